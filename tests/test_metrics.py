"""/metrics (core.metrics, config.metrics): only for the monitoring network, by the direct peer's
address; requests counted by route name and status, never by path; the figures read from the
database at scrape time; the seal's duration."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from weasyprint import HTML

from core.documents import seal_and_store
from core.tasks import heartbeat
from notices.models import Notice, NoticeKind, NoticeStatus
from tests.conftest import SealingAuthority

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _scrape(client: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _requests(figures: dict[Any, float], route: str, status: str) -> float:
    key = ("halland_http_requests_total", (("method", "GET"), ("route", route), ("status", status)))
    return figures.get(key, 0.0)


@pytest.fixture
def monitoring(settings: Any) -> None:
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "10.20.0.0/16"]


def test_nobody_reads_the_metrics_unless_listed(client: Client, settings: Any) -> None:
    assert settings.METRICS_ALLOWED_IPS == []  # the default: no one
    assert client.get("/metrics").status_code == 404
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.post("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 405
    # The direct peer decides, not what a client says about itself.
    forged = {"X-Forwarded-For": "10.20.3.4"}
    assert client.get("/metrics", headers=forged, REMOTE_ADDR="203.0.113.9").status_code == 404
    assert client.post("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_requests_are_counted_by_route_name_and_status(client: Client, monitoring: None) -> None:
    before = _scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/agreements/GF-2024-SECRET-REF/")  # a route, asked for logged out: 302
    client.get("/no-such-page/")
    after = _scrape(client)

    assert _requests(after, "healthz", "200") - _requests(before, "healthz", "200") == 2
    assert _requests(after, "unresolved", "404") - _requests(before, "unresolved", "404") == 1
    assert not any("SECRET" in str(labels) or "/" in str(labels) for _, labels in after)
    latency = ("halland_http_request_duration_seconds_count", (("route", "healthz"),))
    assert after[latency] - before.get(latency, 0) == 2


def test_queue_depth_and_notices_are_read_from_the_database(
    client: Client, monitoring: None, settings: Any, signatory_a: Any
) -> None:
    settings.TASKS = DATABASE_QUEUE
    heartbeat.enqueue()
    heartbeat.enqueue()
    common = {"kind": NoticeKind.INVITATION, "recipient": signatory_a, "subject": "s"}
    common |= {"to_address": "a@example.se", "body_text": "t", "body_html": "h"}
    Notice.objects.create(**common)
    Notice.objects.create(**common, status=NoticeStatus.SENT, sent_at=timezone.now())
    Notice.objects.create(**common, status=NoticeStatus.SENT, sent_at=timezone.now())

    figures = _scrape(client)
    assert figures[("halland_task_queue_depth", (("queue", "default"),))] == 2
    assert figures[("halland_notices", (("status", "queued"),))] == 1
    assert figures[("halland_notices", (("status", "sent"),))] == 2
    assert figures[("halland_notices", (("status", "failed"),))] == 0


def test_sealing_is_timed(
    client: Client, monitoring: None, sealing_authority: SealingAuthority
) -> None:
    count = ("halland_seal_duration_seconds_count", ())
    before = _scrape(client).get(count, 0)
    seal_and_store(HTML(string="<p>Avtal</p>").write_pdf(), stem="metrics-test", reason="test")
    assert _scrape(client)[count] == before + 1
