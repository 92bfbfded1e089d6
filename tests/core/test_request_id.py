"""The proxy's request id on the application's own log lines (core.request_id)."""

import io
import json
import logging
import logging.config
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from config.observability import logging_config
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


@pytest.fixture
def json_logs() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The production console handler (config/observability.py, LOG_FORMAT=json): its
    formatter and filter, made from the same dictionary, on the root logger, writing to a
    buffer. Every line it wrote must parse as JSON."""
    config = logging_config(log_format="json", level="INFO")
    console = config["handlers"]["console"]
    configurator = logging.config.DictConfigurator(config)
    handler = logging.StreamHandler(stream := io.StringIO())
    handler.setFormatter(
        configurator.configure_formatter(config["formatters"][console["formatter"]])
    )
    for name in console["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    logging.getLogger().addHandler(handler)

    def lines() -> list[dict[str, Any]]:
        written = stream.getvalue().splitlines()
        stream.seek(0)
        stream.truncate()
        return [json.loads(line) for line in written]

    yield lines
    logging.getLogger().removeHandler(handler)


def test_a_logged_in_request_logs_one_json_line_with_its_id_and_the_user_id_only(
    client: Client, json_logs: Callable[[], list[dict[str, Any]]], signatory_a: User
) -> None:
    signatory_a.email = "anna.alfa@example.se"
    signatory_a.save()
    client.force_login(signatory_a)
    json_logs()  # what logging in wrote
    response = client.get("/no-such-page/", headers={"X-Request-ID": "9b1d0c"})
    assert response.status_code == 404

    lines = json_logs()  # every line parses as JSON, or this fails
    assert [(line["logger"], line["level"]) for line in lines] == [("django.request", "WARNING")]
    line = lines[0]
    assert (line["request_id"], line["user_id"]) == ("9b1d0c", signatory_a.pk)
    assert line["message"] == "Not Found: /no-such-page/"
    text = json.dumps(lines)
    for personal in ("anna.alfa", signatory_a.username, signatory_a.last_name):
        assert personal not in text


def test_an_anonymous_request_logs_no_user_id(
    client: Client, json_logs: Callable[[], list[dict[str, Any]]], db: None
) -> None:
    client.get("/no-such-page/", headers={"X-Request-ID": "anon1"})
    assert [(line["request_id"], line["user_id"]) for line in json_logs()] == [("anon1", None)]
