"""Property-based tests of the whole API against its own OpenAPI document (schemathesis).

Every operation is fuzzed with an official's token and with a partner user's token: no answer is
a server error, every status code is one the document declares for that operation, every body
conforms to the declared schema, and requests without the token are refused. The document is
read from the application itself (WSGI, no network); the data is the demo's. Examples are
derandomized so a failure reproduces, and few, so the module stays well under a minute.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api.views import api
from tests.api.conftest import token_for

# The document as /api/v1/openapi.json serves it (test_views checks that), built without a
# request so the tests can be collected before any database exists; requests then go to the
# Django application through WSGI. (schemathesis.pytest.from_fixture would load it lazily, but
# its node-id handling does not work with pytest 9.)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
)
schema.app = WSGIHandler()


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Calling the WSGI handler directly fires request_started/finished, whose handler closes
    the database connection, and with it the test's transaction (PostgreSQL). Django's test
    client detaches that handler around each request; do the same here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def bearer(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(username)}"}


# The data is the same for every example, and GET requests change nothing but a token's
# last-used time, so function-scoped database fixtures are what we want here.
FUZZ = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Negative examples (wrong types, out-of-range years, odd bytes) still run and must neither fail
# nor answer off the document. Only the check that they are *refused* is left out: the token is
# given by the test, not generated, so a "missing Authorization" example arrives with one, and
# unknown query parameters are ignored on purpose (clients add cache-busters). Refusals of bad
# parameters are asserted in test_views.
CHECKS: dict[str, Any] = {"excluded_checks": [schemathesis.checks.negative_data_rejection]}


@schema.parametrize()
@FUZZ
def test_as_official(case: Any, demo: None, keep_connection: None) -> None:
    case.call_and_validate(headers=bearer("handlaggare"), **CHECKS)


@schema.parametrize()
@FUZZ
def test_as_partner_user(case: Any, demo: None, keep_connection: None) -> None:
    case.call_and_validate(headers=bearer("coompanion"), **CHECKS)
