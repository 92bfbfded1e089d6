"""handler500: the database out of reach is a 503 to try again, anything else a 500.
tests/stack/test_resilience.py shows it through nginx with PgBouncer and PostgreSQL restarting."""

import pytest
from django.db.utils import InterfaceError, OperationalError
from django.test import RequestFactory

from core.views import server_error


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


def test_any_other_error_is_a_500(rf: RequestFactory) -> None:
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/agreements/"))
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()
