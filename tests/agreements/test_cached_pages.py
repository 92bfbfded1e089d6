"""The agreement page and the agreement and partner lists, cached per revision (issue 18:
agreements.views.record, .listing).

What must hold: a second view reads no more than the revision and the notices; a recorded
change, a delivered e-mail or a lost membership shows on the very next request; each response
carries its own CSRF token; and a viewer never gets another viewer's actions.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from agreements import services
from agreements.models import Agreement
from notices.models import Notice, NoticeKind, NoticeStatus
from notices.sending import requeue
from partners import services as partner_services
from partners.models import Partner, PartnerMembership
from tests.accounts.test_session_cache import redis_url, shared_cache  # noqa: F401
from tests.accounts.test_sessions import _commands_made
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

DRAFT = "/agreements/GF-2024-LEAP-FOR-LIFE/"
SIGNED = "/agreements/GF-2024-COOMPANION/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


@pytest.fixture(params=["per-process cache", "Redis"])
def either_cache(request: pytest.FixtureRequest) -> None:
    """As the tests and `make run` have it, and as the servers have it with REDIS_URL (where the
    revision itself comes from the cache, audit.cache)."""
    if request.param == "Redis":
        request.getfixturevalue("shared_cache")


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries]


def test_a_second_view_reads_only_the_session_the_revision_and_the_notices() -> None:
    client = login(Client(), "handlaggare")
    first = _queries(client, SIGNED)
    second = _queries(client, SIGNED)
    # Without a shared cache (the tests) the session, the user and the device come from the
    # database (accounts.session_cache); then the revision and the notices.
    assert len(second) == 5, second
    assert len(first) > len(second) + 5
    assert any('FROM "audit_revision"' in sql for sql in second)
    assert any('FROM "notices_notice"' in sql for sql in second)


@pytest.mark.usefixtures("either_cache")
def test_a_recorded_change_shows_on_the_next_request() -> None:
    client = login(Client(), "handlaggare")
    assert "Skicka för underskrift" in text(client.get(DRAFT))
    services.send_for_signing(
        agreement=Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE"),
        by=User.objects.get(username="handlaggare"),
    )
    body = text(client.get(DRAFT))
    assert "Skicka för underskrift" not in body
    assert "Återkalla till utkast" in body


def _notice(status: str = NoticeStatus.QUEUED) -> Notice:
    agreement = Agreement.objects.get(reference="GF-2024-COOMPANION")
    return Notice.objects.create(
        kind=NoticeKind.AGREEMENT_SIGNED,
        recipient=User.objects.get(username="coompanion"),
        to_address="kontakt@coompanion.example",
        about_type=ContentType.objects.get_for_model(Agreement),
        about_id=str(agreement.pk),
        subject="Överenskommelsen är underskriven",
        body_text="-",
        body_html="-",
        status=status,
    )


def test_a_delivered_notice_shows_at_once_though_it_is_no_recorded_change() -> None:
    client = login(Client(), "handlaggare")
    notice = _notice()
    assert "I kö" in text(client.get(SIGNED))
    # The mail worker's update: no service, no recorded change.
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.SENT, sent_at=timezone.now())
    body = text(client.get(SIGNED))
    assert "I kö" not in body
    assert "Skickat" in body


@pytest.mark.usefixtures("shared_cache")
def test_with_redis_the_notices_are_cached_until_a_notice_changes() -> None:
    client = login(Client(), "handlaggare")
    notice = _notice(NoticeStatus.FAILED)
    assert "Kunde inte skickas" in text(client.get(SIGNED))
    assert not any('"notices_notice"' in sql for sql in _queries(client, SIGNED))
    requeue(notice)  # a row update, no signal: the sender forgets the notices' generation
    body = text(client.get(SIGNED))
    assert "Kunde inte skickas" not in body
    assert "I kö" in body


def test_a_partner_who_lost_their_membership_gets_a_404_from_a_cached_record() -> None:
    client = login(Client(), "coompanion")
    assert client.get(SIGNED).status_code == 200  # cached for this viewer
    # Not through a service, so no recorded change: the check on each request still holds.
    PartnerMembership.objects.filter(user__username="coompanion").delete()
    assert client.get(SIGNED).status_code == 404


def test_each_response_fills_the_forms_with_its_own_csrf_token() -> None:
    first = login(Client(enforce_csrf_checks=True), "handlaggare")
    second = login(Client(enforce_csrf_checks=True), "handlaggare")
    tokens = []
    for client in (first, second):
        html = client.get(DRAFT).content.decode()
        assert "csrf-token-slot" not in html
        tokens.append(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert tokens[0]
    assert tokens[1]
    assert set(tokens[0]).isdisjoint(tokens[1])
    sent = second.post(f"{DRAFT}send/", {"csrfmiddlewaretoken": tokens[1][0]})
    assert sent.status_code == 302


def test_the_forms_of_one_response_share_one_token() -> None:
    """The parts of a cached page (the header's, the footer's, the record's forms) are filled
    with one masked token per response, masked once (core.views.response_csrf_token), and
    any of them is accepted."""
    client = login(Client(enforce_csrf_checks=True), "handlaggare")
    html = client.get(DRAFT).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) >= 3, tokens  # the draft's actions, the log-out and the language forms
    assert len(set(tokens)) == 1, tokens
    assert client.post(f"{DRAFT}send/", {"csrfmiddlewaretoken": tokens[-1]}).status_code == 302


@pytest.mark.usefixtures("either_cache")
def test_the_sign_button_follows_a_right_given_or_taken_outside_the_services() -> None:
    """Whether a user may sign is theirs, not the agreement's: the admin can take the right to
    sign for the region, or a partner's signatory flag, without a recorded change. The next
    request shows it."""
    from django.contrib.auth.models import Permission

    region, partner = "/agreements/GF-2024-CONNECT-VAST/", "/agreements/GF-2024-HIGHFIVE/"
    official = login(Client(), "handlaggare")
    assert "Skriv under för regionen" in text(official.get(region))
    right = Permission.objects.get(codename="sign_for_region")
    handlaggare = User.objects.get(username="handlaggare")
    handlaggare.user_permissions.remove(right)
    assert "Skriv under för regionen" not in text(official.get(region))
    handlaggare.user_permissions.add(right)
    assert "Skriv under för regionen" in text(official.get(region))

    signatory = login(Client(), "highfive")
    assert "Skriv under för partnern" in text(signatory.get(partner))
    membership = PartnerMembership.objects.get(user__username="highfive")
    membership.is_signatory = False
    membership.save()  # as the admin saves it
    assert "Skriv under för partnern" not in text(signatory.get(partner))


def test_the_partner_never_sees_the_officials_actions() -> None:
    official = login(Client(), "handlaggare")
    assert "Hantera" in text(official.get(SIGNED))
    partner = login(Client(), "coompanion")
    assert "Hantera" not in text(partner.get(SIGNED))


# --- the lists (agreements.views.listing; the payments, agreements.views.payments) ------------


# What the first view reads and a second one does not: the rows, the recoveries.
READ_ONCE = {
    "/agreements/": 'FROM "agreements_agreement"',
    "/partners/": 'FROM "partners_partner"',
    "/payments/": '"recovery_amount" IS NOT NULL',
}


@pytest.mark.parametrize("url", READ_ONCE)
def test_the_list_read_again_reads_only_the_session_and_the_revision(url: str) -> None:
    client = login(Client(), "handlaggare")
    first = _queries(client, url)
    second = _queries(client, url)
    assert len(second) == 4, second  # session, user, device (no shared cache here), revision
    assert len(first) > len(second)
    assert any(READ_ONCE[url] in sql for sql in first)


@pytest.mark.usefixtures("either_cache")
def test_the_list_shows_a_recorded_change_on_the_next_request() -> None:
    client = login(Client(), "handlaggare")
    assert "GF-2024-LEAP-FOR-LIFE" in text(client.get("/agreements/", {"status": "draft"}))
    services.send_for_signing(
        agreement=Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE"),
        by=User.objects.get(username="handlaggare"),
    )
    assert "GF-2024-LEAP-FOR-LIFE" not in text(client.get("/agreements/", {"status": "draft"}))


# A list's row of Coompanion's, and one of another partner's.
OWN_AND_OTHER = {
    "/agreements/": ("GF-2024-COOMPANION", "GF-2024-HIGHFIVE"),
    "/partners/": ("Coompanion", "HighFive"),
}


@pytest.mark.parametrize("url", OWN_AND_OTHER)
def test_a_partner_gets_their_own_rows_whoever_filled_the_cache_first(url: str) -> None:
    own, other = OWN_AND_OTHER[url]
    official = login(Client(), "handlaggare")
    assert other in text(official.get(url))
    body = text(login(Client(), "coompanion").get(url))
    assert own in body
    assert other not in body
    assert other in text(official.get(url))  # and the official still sees every one


# --- the partner list (agreements.views.listing.partner_rows) -------------------------------


@pytest.mark.usefixtures("either_cache")
def test_the_partner_list_shows_a_recorded_change_on_the_next_request() -> None:
    client = login(Client(), "handlaggare")
    assert "HighFive" in text(client.get("/partners/", {"aktiv": "ja"}))
    partner_services.update_partner(
        partner=Partner.objects.get(slug="highfive"),
        by=User.objects.get(username="handlaggare"),
        display_name="HighFive Halland",
        is_active=False,
    )
    assert "HighFive" not in text(client.get("/partners/", {"aktiv": "ja"}))
    assert "HighFive Halland" in text(client.get("/partners/", {"aktiv": "nej"}))


# --- a partner's page (agreements.views.partners._record) -----------------------------------

LEAP = "/partners/leap-for-life/"


def test_a_partners_page_read_again_reads_none_of_its_agreements() -> None:
    client = login(Client(), "handlaggare")
    first = _queries(client, LEAP)
    second = _queries(client, LEAP)
    assert any('FROM "agreements_agreement"' in sql for sql in first)
    assert not any('"agreements_agreement"' in sql for sql in second), second
    assert any('FROM "audit_revision"' in sql for sql in second)


@pytest.mark.usefixtures("either_cache")
def test_a_partners_page_shows_a_recorded_change_on_the_next_request() -> None:
    client = login(Client(), "handlaggare")
    assert "Skickad för underskrift" not in text(client.get(LEAP))
    services.send_for_signing(
        agreement=Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE"),
        by=User.objects.get(username="handlaggare"),
    )
    assert "Skickad för underskrift" in text(client.get(LEAP))


def test_a_partners_page_from_the_cache_is_still_checked_per_user() -> None:
    official = login(Client(), "handlaggare")
    assert "GF-2024-HIGHFIVE" in text(official.get("/partners/highfive/"))
    partner = login(Client(), "coompanion")
    assert partner.get("/partners/highfive/").status_code == 404
    assert "GF-2024-COOMPANION" in text(partner.get("/partners/coompanion/"))
    # Not through a service, so no recorded change: the check on each request still holds.
    PartnerMembership.objects.filter(user__username="coompanion").delete()
    assert partner.get("/partners/coompanion/").status_code == 404


def test_a_partners_page_offers_edits_only_to_those_who_may_whoever_filled_the_cache() -> None:
    official = login(Client(), "handlaggare")
    assert "Ändra kontaktpersoner" in text(official.get("/partners/coompanion/"))
    secretary = text(login(Client(), "sekreterare").get("/partners/coompanion/"))
    assert "GF-2024-COOMPANION" in secretary
    assert "Ändra kontaktpersoner" not in secretary


# The pages cached per revision, each declaring it (`@reads_ahead(revision_keys)`, audit.cache),
# and who reads them (the staff's agreement page also reads its notices, in an MGET of their own).
REVISION_WITH_THE_SESSION = [
    ("/", "handlaggare"),
    ("/", "coompanion"),
    ("/agreements/", "handlaggare"),
    (SIGNED, "coompanion"),
    ("/partners/", "handlaggare"),
    ("/partners/coompanion/", "coompanion"),
    ("/payments/", "handlaggare"),
    ("/budget/2025/", "handlaggare"),
    ("/budget/2025/grundfinansiering/allocations/", "handlaggare"),
]


@pytest.mark.parametrize(("url", "username"), REVISION_WITH_THE_SESSION)
@pytest.mark.usefixtures("shared_cache")
def test_with_redis_a_cached_page_reads_the_revision_with_the_session(
    url: str, username: str
) -> None:
    """One MGET for the session, its user and the history's revision; a view that did not
    declare the revision would read it in a second one."""
    client = login(Client(), username)
    for _ in range(2):  # fills the caches; then this process knows whose session it is
        assert client.get(url).status_code == 200
    made = _commands_made(lambda: client.get(url))
    assert made.get("cmdstat_mget") == 1, made


@pytest.mark.parametrize(("url", "username"), REVISION_WITH_THE_SESSION)
@pytest.mark.usefixtures("shared_cache")
def test_with_redis_a_cached_page_read_again_asks_the_database_nothing(
    url: str, username: str
) -> None:
    """The session, the user, the revision, the page and whatever the page checks per user
    (a partner's users table too) all come from the cache."""
    client = login(Client(), username)
    for _ in range(2):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert [q["sql"] for q in queries] == []


@pytest.mark.usefixtures("shared_cache")
def test_with_redis_a_partners_users_table_shows_a_change_to_any_user_at_once() -> None:
    """The users table is cached until any user or membership changes, whether through a
    service, a plain save or a delete; losing the membership is a 404 at the next request."""
    partner = login(Client(), "coompanion")
    official = login(Client(), "handlaggare")
    url = "/partners/coompanion/"
    assert "Coompanion" in text(partner.get(url))
    assert "Nils Nykomling" not in text(official.get(url))
    newcomer = User.objects.create_user(
        username="nykomling", first_name="Nils", last_name="Nykomling", role="partner"
    )
    PartnerMembership.objects.create(user=newcomer, partner=Partner.objects.get(slug="coompanion"))
    assert "Nils Nykomling" in text(partner.get(url))
    assert "Nils Nykomling" in text(official.get(url))
    newcomer.first_name = "Ingrid"
    newcomer.save()
    assert "Ingrid Nykomling" in text(partner.get(url))
    PartnerMembership.objects.filter(user__username="coompanion").delete()
    assert partner.get(url).status_code == 404
    assert "Ingrid Nykomling" in text(official.get(url))
