"""handler500: the database or Redis out of reach is a 503 to try again, anything else a 500.
tests/stack/test_resilience.py shows it through nginx with PgBouncer and PostgreSQL restarting."""

from typing import Any

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from core.views import server_error
from tests.conftest import make_user
from tests.faults.harness import free_port


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_database_out_of_reach_is_a_503_to_try_again(
    rf: RequestFactory, error: type[Exception]
) -> None:
    try:
        raise error("connection to server at 127.0.0.1, port 6432 failed: Connection refused")
    except error:
        response = server_error(rf.get("/agreements/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "tillfälligt otillgänglig" in response.content.decode()


@pytest.mark.django_db
def test_redis_out_of_reach_is_a_503_to_try_again(settings: Any) -> None:
    """The servers' sessions in a Redis that does not answer (nothing listens on the port): a
    logged-in request, whose session store must write the session it read to the cache, says
    to try again, as for the database. (A page whose header this process already keeps needs
    no cache, so the session is what shows it whatever ran before.)"""
    from config.caches import caches, session_engine

    client = Client(raise_request_exception=False)
    client.force_login(make_user("redis-out", "official"))  # a session in the database
    settings.CACHES = caches(f"redis://127.0.0.1:{free_port()}/0", key_prefix="out-of-reach")
    settings.SESSION_ENGINE = session_engine(settings.CACHES)
    response = client.get("/agreements/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "tillfälligt otillgänglig" in response.content.decode()


def test_any_other_error_is_a_500(rf: RequestFactory) -> None:
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/agreements/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
