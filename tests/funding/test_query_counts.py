"""Pages keep a constant number of SQL queries as partners grow (design §9): 6 and 300."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.money import format_amount, format_input
from core.views import CSRF_SLOT
from funding import services
from funding.models import Programme
from partners.models import Partner
from tests.helpers import add_partners_with_decided_2024, login

pytestmark = pytest.mark.django_db

PAGES = [
    "/budget/2024/",
    "/budget/2025/",
    "/budget/2024/grundfinansiering/allocations/",
    "/budget/2025/grundfinansiering/allocations/",
    "/budget/2025/grundfinansiering/history/",
]


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def grow_to(total_partners: int) -> None:
    """Partners with 2024 decided and 2025 draft allocations, and history rows for the 2025
    ones (fixture data in bulk, not a code path under test)."""
    added = add_partners_with_decided_2024(total_partners - Partner.objects.count())
    services.set_allocations(
        programme=Programme.objects.get(budget_year__year=2025),
        amounts={a.partner_id: Decimal(500) for a in added},
        by=None,
        reason="Fler",
    )


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare"])
def test_budget_pages_query_count_is_the_same_for_6_and_300_partners(
    client: Client, username: str
) -> None:
    login(client, username)
    with_six = {url: count_queries(client, url) for url in PAGES}
    grow_to(300)
    assert Partner.objects.count() == 300
    with_300 = {url: count_queries(client, url) for url in PAGES}
    assert with_300 == with_six, (with_six, with_300)
    # Exact figures, so a regression shows even when it is constant.
    # Session, user and the user's second-factor device, then the page's own queries. The
    # overview's figures are rendered here (the cache is empty, then the data changed): the
    # revision, the year, then 3 for the figures (+ "does next year exist?" for officials).
    # The editor's table likewise (issue 18): the revision, then its 2 queries for the rows.
    overview = 9 if username == "handlaggare" else 8
    assert with_six == {
        "/budget/2024/": overview,
        "/budget/2025/": overview,
        "/budget/2024/grundfinansiering/allocations/": 7,
        "/budget/2025/grundfinansiering/allocations/": 7,
        "/budget/2025/grundfinansiering/history/": 7,
    }
    body = client.get("/budget/2025/grundfinansiering/allocations/").content.decode()
    assert "Partner 299" in body


def page(client: Client, url: str) -> str:
    """The page without what differs per response (CSP nonce, CSRF token)."""
    body = client.get(url).content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', "", body)


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare"])
def test_overview_figures_are_rendered_once_per_change(client: Client, username: str) -> None:
    """Issue 8: the figures come from the cache until a change is recorded, then are new.
    Issue 18: the whole page does: read again, it makes the session's queries and reads the
    revision, nothing else (no year, no "does next year exist?", no figures)."""
    login(client, username)
    url = "/budget/2025/"
    first_count = count_queries(client, url)
    first = page(client, url)
    cached_count = count_queries(client, url)
    assert cached_count == 4  # session, user, second-factor device, revision
    assert first_count == (9 if username == "handlaggare" else 8)
    assert page(client, url) == first

    # A change through a service: the next request renders the figures again.
    programme = Programme.objects.get(budget_year__year=2025)
    highfive = Partner.objects.get(slug="highfive")
    services.set_allocations(
        programme=programme, amounts={highfive.pk: Decimal(2345678)}, by=None, reason="Test"
    )
    assert count_queries(client, url) == first_count
    changed = page(client, url)
    assert format_amount(Decimal(2345678)) in changed
    assert format_amount(Decimal(2345678)) not in first

    # Renaming a partner is a recorded change too.
    from partners import services as partners

    partners.update_partner(partner=highfive, display_name="HighFive Halmstad", by=None)
    assert "HighFive Halmstad" in client.get(url).content.decode()


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare"])
def test_editor_table_is_rendered_once_per_change(client: Client, username: str) -> None:
    """Issue 18: the editor's page as saved comes from the cache until a change is recorded
    (4 queries instead of 7: no programme, no partners, no allocations), then shows the
    change."""
    login(client, username)
    url = "/budget/2025/grundfinansiering/allocations/"
    first_count = count_queries(client, url)
    first, first_body = page(client, url), client.get(url).content.decode()
    assert count_queries(client, url) == first_count - 3 == 4
    assert page(client, url) == first

    programme = Programme.objects.get(budget_year__year=2025)
    highfive = Partner.objects.get(slug="highfive")
    services.set_allocations(
        programme=programme, amounts={highfive.pk: Decimal(2345678)}, by=None, reason="Test"
    )
    assert count_queries(client, url) == first_count
    body = client.get(url).content.decode()
    shown = (f'value="{format_input(Decimal(2345678))}"', format_amount(Decimal(2345678)))
    assert any(amount in body for amount in shown)
    assert not any(amount in first_body for amount in shown)


def test_the_cached_editor_page_is_still_checked_per_user(client: Client) -> None:
    """Whoever filled the cache, a partner gets a 404, a secretary the read-only page, and
    each response its own CSRF token in the form."""
    url = "/budget/2025/grundfinansiering/allocations/"
    login(client, "handlaggare")
    first = client.get(url).content.decode()
    assert 'name="save"' in first
    # Another session, checked as a browser is: the token in the cached page is its own.
    second = Client(enforce_csrf_checks=True)
    login(second, "handlaggare")
    body = second.get(url).content.decode()
    assert CSRF_SLOT not in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    posted = second.post(url, {"csrfmiddlewaretoken": token[1], "preview": "1"})
    # Past the CSRF check (a refused token is a 403): the editor's own check answers, as no
    # amounts were sent.
    assert posted.status_code == 400
    client.logout()
    login(client, "sekreterare")
    read_only = client.get(url).content.decode()
    assert 'name="save"' not in read_only
    assert "Du kan se fördelningen" in read_only
    client.logout()
    login(client, "coompanion")
    assert client.get(url).status_code == 404


def test_the_cached_overview_is_still_checked_per_user(client: Client) -> None:
    """Whoever filled the cache, an official gets the start-year form with a CSRF token of
    their own, a secretary the page without it, a partner and an unknown year a 404; starting
    the next year is a recorded change, after which the form is gone."""
    url = "/budget/2025/"
    secretary = login(Client(), "sekreterare")
    assert "Starta budgetår 2026" not in secretary.get(url).content.decode()
    official = Client(enforce_csrf_checks=True)
    login(official, "handlaggare")
    body = official.get(url).content.decode()
    assert "Starta budgetår 2026" in body
    assert CSRF_SLOT not in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    assert "Starta budgetår 2026" not in secretary.get(url).content.decode()
    assert login(Client(), "coompanion").get(url).status_code == 404
    assert official.get("/budget/2031/").status_code == 404
    started = official.post("/budget/2025/start-next/", {"csrfmiddlewaretoken": token[1]})
    assert started.status_code == 302
    assert started["Location"] == "/budget/2026/"
    assert "Starta budgetår 2026" not in official.get(url).content.decode()
    assert "Starta budgetår 2027" in official.get("/budget/2026/").content.decode()


def test_overview_figures_are_cached_per_language(client: Client) -> None:
    login(client, "handlaggare")
    assert "Grundfinansiering per partner" in client.get("/budget/2024/").content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get("/budget/2024/").content.decode()
    assert "Grundfinansiering per partner" not in english
    assert "Basic funding per partner" in english
