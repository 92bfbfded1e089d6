"""What readiness (`/readyz`) checks: the database, the cache, document storage, and the task
worker's heartbeat (core.tasks.heartbeat).

The first three decide the answer: an app server that cannot reach one of them cannot serve
pages, so it answers 503 and the proxy or platform stops sending it requests. The worker does
not: it is one shared process, and if it were down every app server would fail together and the
whole site would go dark for want of background e-mail. Its state is reported in the body and
in the metrics (`halland_worker_heartbeat_age_seconds`) for monitoring to alert on.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

OK = "ok"
DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return "unreachable"
    return OK


def cache_round_trip() -> str:
    key, token = f"readiness:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=10)
        answered = cache.get(key)
        cache.delete(key)
    except Exception:
        return "unreachable"
    return OK if answered == token else "not keeping values"


def document_storage() -> str:
    """A tiny file written, read back and deleted: a read-only or full store fails here, not
    when the next agreement is signed."""
    try:
        name = default_storage.save(f"readiness/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with default_storage.open(name) as probe:
                read = probe.read()
        finally:
            default_storage.delete(name)
    except Exception:
        return "unreachable"
    return OK if read == b"ok" else "not keeping files"


def last_heartbeat() -> datetime | None:
    from django_tasks_db.models import DBTaskResult

    finished: datetime | None = (
        DBTaskResult.objects.filter(task_path="core.tasks.heartbeat", status="SUCCESSFUL")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return finished


def worker() -> tuple[str, float | None]:
    """The worker's state and the heartbeat's age in seconds. "not used" when tasks run in the
    request (the demo), "never seen" before the first heartbeat finished."""
    if settings.TASKS["default"]["BACKEND"] != DATABASE_QUEUE:
        return "not used", None
    try:
        finished = last_heartbeat()
    except Exception:
        return "unknown", None
    if finished is None:
        return "never seen", None
    age = (timezone.now() - finished).total_seconds()
    return (OK if age <= settings.WORKER_HEARTBEAT_MAX_AGE else "stale"), round(age, 1)


def readiness() -> tuple[bool, dict[str, object]]:
    """Whether this app server can serve, and what each part said."""
    parts = {"database": database(), "cache": cache_round_trip(), "storage": document_storage()}
    ready = all(state == OK for state in parts.values())
    state, age = worker()
    return ready, {
        "status": OK if ready else "unavailable",
        **parts,
        "worker": state,
        "worker_heartbeat_age_s": age,
    }
