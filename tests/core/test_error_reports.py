"""Error reports (config.observability.init_sentry, core.error_reports): what would be sent to
the error service when a page fails, captured at sentry-sdk's transport, the last step before
the network. Nothing in the report may name or reach the person: no e-mail address, username,
password, cookie, or amount."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from django.test import Client, RequestFactory
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from accounts.backends import UserBackend
from accounts.models import User
from config.observability import init_sentry


class CapturingTransport(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        return [
            json.loads(item.payload.get_bytes())
            for envelope in self.envelopes
            for item in envelope.items
            if item.type == "event"
        ]

    def sent_bytes(self) -> bytes:
        return b"".join(envelope.serialize() for envelope in self.envelopes)


@pytest.fixture
def sent() -> Iterator[CapturingTransport]:
    transport = CapturingTransport()
    init_sentry(
        dsn="https://public@errors.example.se/1",
        environment="test",
        release="halland@1.2.3",
        transport=transport,
    )
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reports off again for the rest of the run


def _through_wsgi(path: str, data: dict[str, str], headers: dict[str, str]) -> str:
    """The request as gunicorn hands it over: through Django's WSGI handler, which sentry-sdk
    wraps (the test client would skip that layer, and with it the headers' capture)."""
    environ = RequestFactory().post(path, data, headers=headers).environ
    statuses: list[str] = []

    def start_response(status: str, headers: object, exc_info: object = None) -> Any:
        statuses.append(status)
        return lambda data: None

    # As Django's test client does: the test's transaction keeps its connection.
    request_started.disconnect(close_old_connections)
    try:
        app = WSGIHandler()
        b"".join(app(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
    return statuses[0]


def test_a_failing_page_is_reported_with_its_request_id_and_nothing_personal(
    sent: CapturingTransport, signatory_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    signatory_a.email = "anna.alfa@example.se"
    signatory_a.save()

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("directory lookup for anna.alfa@example.se failed at 12 500 kr")

    monkeypatch.setattr(UserBackend, "authenticate", fail)
    client = Client()
    client.force_login(signatory_a)  # a session cookie to leak
    session = client.cookies["sessionid"].value
    token = "Csrf0123456789abcdefghijklmnopqr"  # 32 letters and digits: Django's secret format
    status = _through_wsgi(
        "/accounts/login/?next=/secret-query/",
        {
            "csrfmiddlewaretoken": token,
            "username": signatory_a.username,
            "password": "correct-horse-battery",
        },
        headers={
            "X-Request-ID": "5e1f00d",
            "Authorization": "Bearer api-token-never-sent",
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "User-Agent": "test-agent/1.0",
        },
    )
    assert status.startswith("500")

    events = sent.events()
    assert events, "nothing would have been sent"
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "[e-post]" in event["exception"]["values"][-1]["value"]
    assert event["tags"]["request_id"] == "5e1f00d"
    assert (event["environment"], event["release"]) == ("test", "halland@1.2.3")
    assert event["user"] == {"id": str(signatory_a.pk)}
    assert event["request"]["url"] == "http://testserver/accounts/login/"
    assert event["request"]["headers"]["User-Agent"] == "test-agent/1.0"  # headers were taken

    sent_text = sent.sent_bytes().decode()
    for secret in (
        "anna.alfa",
        signatory_a.username,
        signatory_a.last_name,
        "correct-horse-battery",
        session,
        token,
        "api-token-never-sent",
        "12 500",
        "secret-query",
    ):
        assert secret not in sent_text, secret


def test_without_a_dsn_nothing_is_set_up(settings: Any) -> None:
    assert settings.SENTRY_DSN == ""
    assert sentry_sdk.get_client().transport is None
