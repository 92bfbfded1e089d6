"""The stored PDF download from the shared cache (issue 18, agreements.downloads).

Against a real Redis of our own (the session cache tests' server and settings). What must hold:
once cached the download makes no query; access is still checked for each request's user; a
new version, a changed document or a lost membership is seen at the next request.
"""

from typing import Any

import pytest
from django.db.models import F
from django.test import Client

from agreements.models import Agreement, SignedDocument
from partners.models import PartnerMembership
from tests.accounts.test_session_cache import redis_url, shared_cache  # noqa: F401
from tests.accounts.test_sessions import _commands_made
from tests.helpers import login

pytestmark = pytest.mark.django_db
URL = "/agreements/GF-2024-COOMPANION/pdf/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo data: COOMPANION's agreement is signed, HIGHFIVE's is not."""


def _current() -> SignedDocument:
    return SignedDocument.objects.get(
        agreement__reference="GF-2024-COOMPANION", agreement_version=F("agreement__version")
    )


def test_once_cached_the_download_makes_no_query(
    shared_cache: None,  # noqa: F811
    client: Client,
    django_assert_num_queries: Any,
) -> None:
    login(client, "coompanion")
    assert client.get(URL).status_code == 200  # fills the cache: user, device, document
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == _current().sha256


def test_the_document_comes_with_the_session_in_one_round_trip(
    shared_cache: None,  # noqa: F811
    client: Client,
    django_assert_num_queries: Any,
) -> None:
    """The view declares its entry (`reads_ahead`): a session this process knows is read with
    its user and the document in one MGET, as the floor is (tests/accounts/test_sessions.py)."""
    login(client, "coompanion")
    assert client.get(URL).status_code == 200
    with django_assert_num_queries(0):
        made = _commands_made(lambda: client.get(URL))
    assert made == {"cmdstat_mget": 1}


def test_a_document_read_ahead_is_still_refused_to_another_partner(
    shared_cache: None,  # noqa: F811
    client: Client,
) -> None:
    """What the session store fetched for the view is only what to read, never who may read it."""
    assert login(client, "coompanion").get(URL).status_code == 200  # the entry is cached
    client.logout()
    login(client, "highfive")
    assert client.get("/").status_code == 200  # this process now knows highfive's session
    made: dict[str, int] = {}

    def download() -> None:
        made["status"] = client.get(URL).status_code

    # One MGET (session, user, document); the 404 page's own fragments may be read after it.
    assert _commands_made(download)["cmdstat_mget"] == 1
    assert made["status"] == 404


def test_a_cached_document_is_still_refused_to_another_partner(
    shared_cache: None,  # noqa: F811
    client: Client,
) -> None:
    assert login(client, "coompanion").get(URL).status_code == 200
    client.logout()
    assert login(client, "highfive").get(URL).status_code == 404
    client.logout()
    assert login(client, "handlaggare").get(URL).status_code == 200  # staff see every agreement


def test_a_lost_membership_is_seen_at_the_next_request(
    shared_cache: None,  # noqa: F811
    client: Client,
) -> None:
    login(client, "coompanion")
    assert client.get(URL).status_code == 200
    PartnerMembership.objects.filter(user__username="coompanion").get().delete()
    assert client.get(URL).status_code == 404


def test_a_changed_document_is_served_at_the_next_request(
    shared_cache: None,  # noqa: F811
    client: Client,
) -> None:
    login(client, "coompanion")
    assert client.get(URL).status_code == 200
    document = _current()
    document.sha256 = "0" * 64
    document.save()
    assert client.get(URL)["X-Content-SHA256"] == "0" * 64


def test_a_new_version_without_its_document_is_not_served_the_old_one(
    shared_cache: None,  # noqa: F811
    client: Client,
) -> None:
    """An amendment moves the agreement to a version not yet signed: the cached copy of the
    previous version's file must not be served as the current one."""
    login(client, "coompanion")
    assert client.get(URL).status_code == 200
    agreement = Agreement.objects.get(reference="GF-2024-COOMPANION")
    agreement.version += 1
    agreement.save()
    assert client.get(URL).status_code == 404


def test_without_a_shared_cache_the_document_is_read_every_time(
    client: Client, django_assert_num_queries: Any
) -> None:
    login(client, "coompanion")
    assert client.get(URL).status_code == 200
    with django_assert_num_queries(3):  # session, user with membership, the document
        assert client.get(URL).status_code == 200
