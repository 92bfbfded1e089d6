"""Liveness (/healthz) and readiness (/readyz, core.readiness): what each asks, what each answers
when a part is down. Every part here is real: a dead database connection, Django's dummy cache
(which keeps nothing), a storage folder that cannot be made, the task worker run for real."""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import heartbeat

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _dead_database(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)


def test_liveness_does_not_ask_the_database(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dead_database(monkeypatch)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_when_database_cache_and_storage_answer(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "worker": "not used",  # the test settings run tasks in the request
        "worker_heartbeat_age_s": None,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_not_ready_without_the_database(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    _dead_database(monkeypatch)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_not_ready_with_a_cache_that_keeps_nothing(client: Client, settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "not keeping values"


def test_not_ready_when_documents_cannot_be_stored(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the document folder should be")
    settings.MEDIA_ROOT = str(blocker / "media")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage"] == "unreachable"


# The worker closes its connection after each task, as in production: no test transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_heartbeat_is_reported_but_never_makes_the_server_unready(
    client: Client, settings: Any
) -> None:
    settings.TASKS = DATABASE_QUEUE
    assert client.get("/readyz").json()["worker"] == "never seen"

    heartbeat.enqueue()  # as run_periodic does each round
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    report = client.get("/readyz").json()
    assert report["worker"] == "ok"
    assert 0 <= report["worker_heartbeat_age_s"] < 60

    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(minutes=16))
    response = client.get("/readyz")
    assert response.status_code == 200  # one stopped worker must not take every server down
    assert (response.json()["status"], response.json()["worker"]) == ("ok", "stale")


@pytest.mark.django_db(transaction=True)
def test_each_round_of_the_periodic_jobs_queues_a_heartbeat(settings: Any) -> None:
    settings.TASKS = DATABASE_QUEUE
    call_command("run_periodic", "--once", verbosity=0, stdout=io.StringIO())
    assert DBTaskResult.objects.filter(task_path="core.tasks.heartbeat").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_notice_sweep_of_the_systemd_timers_queues_a_heartbeat(settings: Any) -> None:
    # With deploy/systemd's timers there is no run_periodic: halland-notices.timer's
    # send_notices keeps the worker's heartbeat going instead.
    settings.TASKS = DATABASE_QUEUE
    call_command("send_notices", verbosity=0, stdout=io.StringIO())
    assert DBTaskResult.objects.filter(task_path="core.tasks.heartbeat").count() == 1
