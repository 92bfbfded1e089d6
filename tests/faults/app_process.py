"""A long-lived application process for the fault-injection tests, driven over a pipe.

Started as `manage.py shell --no-imports -c "from tests.faults.app_process import serve;
serve()"` with the environment of a production process (DATABASE_URL, CONN_MAX_AGE > 0, the
database task queue). It reads one JSON command a line on stdin and answers each with one line
`@@ {json}` on stdout; everything else it prints (logs) goes to stderr.

Every command runs as one request of an app server would: between Django's `request_started`
and `request_finished` signals, which is where Django reuses, health-checks and closes its
persistent database connection, exactly as under gunicorn. Writes go through the services and
pages through the real URL configuration and middleware (Django's test client, logged in as a
demo user), against the real database: nothing here stands in for the application.
"""

import base64
import hashlib
import json
import sys
from decimal import Decimal
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import connection
from django.test import Client

Result = dict[str, Any]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def _save_allocations(command: dict[str, Any]) -> Result:
    from accounts.models import User
    from funding.models import Programme
    from funding.services import set_allocations
    from partners.models import Partner

    programme = Programme.objects.get(budget_year__year=command["year"], slug="grundfinansiering")
    partners = {p.slug: p.pk for p in Partner.objects.filter(slug__in=command["amounts"])}
    result = set_allocations(
        programme=programme,
        amounts={partners[slug]: Decimal(amount) for slug, amount in command["amounts"].items()},
        expected_versions={
            partners[slug]: version for slug, version in command["expected_versions"].items()
        },
        reason=command.get("reason", ""),
        by=User.objects.get(username="handlaggare"),
    )
    return {"changed": sorted(a.partner.slug for a in result.changed), "pid": _backend_pid()}


_clients: dict[str, Client] = {}


def _http(command: dict[str, Any]) -> Result:
    from tests.helpers import login

    username = command["user"]
    if username not in _clients:
        _clients[username] = login(Client(), username)
    client = _clients[username]
    if command["method"] == "post":
        response = client.post(command["path"], command.get("data", {}))
    else:
        response = client.get(command["path"])
    body = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    return {
        "status": response.status_code,
        "location": response.get("Location", ""),
        "x_content_sha256": response.get("X-Content-SHA256", ""),
        "sha256": hashlib.sha256(body).hexdigest(),
        "body": base64.b64encode(body).decode() if command.get("body") else "",
    }


COMMANDS = {
    "ping": lambda command: {"pid": _backend_pid()},
    "save_allocations": _save_allocations,
    "http": _http,
}


def _as_one_request(command: dict[str, Any]) -> Result:
    request_started.send(sender=WSGIHandler, environ={})
    try:
        return {"ok": True, **COMMANDS[command["command"]](command)}
    except Exception as exc:
        return {
            "ok": False,
            "error": f"{type(exc).__module__}.{type(exc).__qualname__}",
            "message": str(exc),
        }
    finally:
        request_finished.send(sender=WSGIHandler)


def _answer(result: Result) -> None:
    sys.stdout.write("@@ " + json.dumps(result) + "\n")
    sys.stdout.flush()


def serve(*, without_health_checks: bool = False) -> None:
    """Answer commands until stdin closes. `without_health_checks` makes the control of
    test_postgres_faults: the same process with CONN_HEALTH_CHECKS off."""
    if without_health_checks:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False  # read when it connects
    _answer(
        {
            "ready": True,
            "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
            "conn_health_checks": connection.settings_dict["CONN_HEALTH_CHECKS"],
        }
    )
    for line in sys.stdin:
        if line.strip():
            _answer(_as_one_request(json.loads(line)))
