"""The proxy's request id on the application's own log lines (core.request_id)."""

import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from core.request_id import RequestIdFilter


class _Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def kept() -> Iterator[_Kept]:
    handler = _Kept()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_log_line_written_in_a_request_carries_its_id(client: Client, kept: _Kept) -> None:
    client.get("/no-such-page/", headers={"X-Request-ID": "0f3c9a7e5d1b4c2a8e6f0a1b2c3d4e5f"})
    assert [r.request_id for r in kept.records] == ["0f3c9a7e5d1b4c2a8e6f0a1b2c3d4e5f"]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_an_id_that_is_not_a_plain_token_is_not_logged(client: Client, kept: _Kept) -> None:
    client.get("/no-such-page/", headers={"X-Request-ID": 'x", "level": "CRITICAL'})
    assert [r.request_id for r in kept.records] == [""]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_after_the_response_the_id_is_forgotten(client: Client) -> None:
    client.get("/healthz", headers={"X-Request-ID": "abc"})
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    assert RequestIdFilter().filter(record)
    assert record.request_id == ""  # type: ignore[attr-defined]
