"""One round trip to Redis for a logged-in request (issue 18, accounts.sessions).

Against the real Redis tests.accounts.test_session_cache starts, counting the commands Redis
itself reports (INFO commandstats): a request whose session this process has loaded before
reads the session and its user in one MGET. The guess of whose session it is never decides who
the user is, and what was read ahead never outlives its request or a change.
"""

from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from accounts import sessions
from core import generation_cache
from tests.accounts.test_session_cache import (  # noqa: F401
    _floor,
    _logged_in_official,
    redis_url,
    shared_cache,
)
from tests.conftest import make_user
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]


def _commands() -> dict[str, int]:
    """Calls by command, as the test's Redis counts them (its own INFO left out)."""
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    stats: dict[str, Any] = server.info("commandstats")  # type: ignore[assignment]
    return {name: int(stat["calls"]) for name, stat in stats.items() if name != "cmdstat_info"}


def _commands_made(request: Any) -> dict[str, int]:
    before = _commands()
    request()
    after = _commands()
    return {k: n - before.get(k, 0) for k, n in after.items() if n != before.get(k, 0)}


def test_a_known_session_and_its_user_come_in_one_round_trip(
    client: Client, django_assert_num_queries: Any
) -> None:
    _logged_in_official(client)
    assert _floor(client).status_code == 200  # this process learns whose session it is
    with django_assert_num_queries(0):
        made = _commands_made(lambda: _floor(client))
    assert made == {"cmdstat_mget": 1}


def test_a_session_new_to_this_process_takes_two(client: Client) -> None:
    _logged_in_official(client)
    assert _floor(client).status_code == 200
    sessions._user_of_session.clear()  # another server's process: it has not seen the session
    made = _commands_made(lambda: _floor(client))
    assert made == {"cmdstat_get": 1, "cmdstat_mget": 1}


def test_a_wrong_guess_never_changes_who_the_user_is(client: Client) -> None:
    user = _logged_in_official(client)
    other = make_user("handlaggare-other", "official")
    other_client = Client()
    login(other_client, other.username)
    assert _floor(other_client).wsgi_request.user == other  # the other user's entries cached
    sessions._user_of_session[client.cookies["sessionid"].value] = other.pk
    assert _floor(client).wsgi_request.user == user


def test_what_was_read_ahead_serves_only_its_request() -> None:
    # What a session store read ahead: the entry under this release's name, as `cached` reads it.
    entry = generation_cache.released("entry")
    found = {"generation": "g1", entry: ("g1", "value")}
    generation_cache.read_ahead(["generation", entry], found)  # outside a request: kept nowhere
    with generation_cache.request_scope():
        generation_cache.read_ahead(["generation", entry], found)
        assert generation_cache.cached("generation", "entry", lambda: "loaded") == "value"
        # It serves the rest of the request: a page reading the revision for two of its parts
        # asks the cache once.
        assert generation_cache.cached("generation", "entry", lambda: "loaded") == "value"
    with generation_cache.request_scope():
        assert generation_cache.cached("generation", "entry", lambda: "loaded") == "loaded"


def test_a_change_in_the_request_drops_what_was_read_ahead() -> None:
    with generation_cache.request_scope():
        entry = generation_cache.released("entry")
        generation_cache.read_ahead(["generation", entry], {entry: ("g1", "stale")})
        generation_cache.forget("generation")
        assert generation_cache.cached("generation", "entry", lambda: "fresh") == "fresh"
