"""Search, filters, sort and paging of the agreement, payment, partner and decision lists
(issue 19; the decision list: tests/funding/test_decision_list.py): the choices live in the
address, narrow what the user may see and never widen it, and keep the number of queries
constant."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, Instalment
from partners.models import Partner
from tests.helpers import add_partners_with_decided_2024, add_signed_agreements, login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def listed(client: Client, url: str, params: dict[str, str] | None = None) -> list[str]:
    """The references (or names) the page lists, in order: the row headers' links."""
    response = client.get(url, params or {})
    assert response.status_code == 200
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', text(response))


def queries(client: Client, url: str) -> int:
    """The queries of rendering the page: the lists' rows are cached per revision (issue 18),
    so the cache is emptied first."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --------------------------------------------------------------------------- agreements


def test_agreements_are_searched_by_reference_partner_and_purpose() -> None:
    client = login(Client(), "handlaggare")
    assert listed(client, "/agreements/", {"q": "matgille"}) == ["GF-2024-MATGILLE"]
    assert listed(client, "/agreements/", {"q": "Connect Väst"}) == ["GF-2024-CONNECT-VAST"]
    Agreement.objects.filter(reference="GF-2024-HIGHFIVE").update(purpose="Unga entreprenörer")
    assert listed(client, "/agreements/", {"q": "entreprenörer"}) == ["GF-2024-HIGHFIVE"]
    # Each word narrows: both must be found.
    assert listed(client, "/agreements/", {"q": "2024 highfive"}) == ["GF-2024-HIGHFIVE"]
    assert listed(client, "/agreements/", {"q": "highfive matgille"}) == []
    body = text(client.get("/agreements/", {"q": "finns inte"}))
    assert "Inga överenskommelser matchar sökningen." in body
    assert 'value="finns inte"' in body  # the search box keeps what was typed


def test_a_partner_user_searches_only_their_own_agreements() -> None:
    client = login(Client(), "coompanion")
    assert listed(client, "/agreements/", {"q": "matgille"}) == []
    assert listed(client, "/agreements/", {"status": "signed"}) == ["GF-2024-COOMPANION"]


def test_agreements_are_filtered_and_sorted() -> None:
    client = login(Client(), "handlaggare")
    assert listed(client, "/agreements/", {"status": "signed", "ar": "2024"}) == [
        "GF-2024-COOMPANION",
        "GF-2024-MATGILLE",
    ]
    assert listed(client, "/agreements/", {"ar": "2023"}) == []
    by_amount = listed(client, "/agreements/", {"sortera": "-belopp"})
    assert by_amount[0] == "GF-2024-MATGILLE"  # 3 000 000 kr, the most
    assert by_amount[-1] == "GF-2024-COOMPANION"  # 1 300 000 kr, the least
    # Equal amounts (HighFive's and TEK Kompetens' 2 000 000 kr) by reference either way.
    assert listed(client, "/agreements/", {"sortera": "belopp"}) == [
        "GF-2024-COOMPANION",
        "GF-2024-CONNECT-VAST",
        "GF-2024-HIGHFIVE",
        "GF-2024-TEK-KOMPETENS",
        "GF-2024-LEAP-FOR-LIFE",
        "GF-2024-MATGILLE",
    ]
    by_partner = listed(client, "/agreements/", {"sortera": "partner"})
    assert by_partner[:2] == ["GF-2024-CONNECT-VAST", "GF-2024-COOMPANION"]
    # A sort that is not on the list is ignored: the usual order, by reference.
    assert listed(client, "/agreements/", {"sortera": "purpose"}) == sorted(by_amount)


def test_the_late_reports_filter() -> None:
    client = login(Client(), "handlaggare")
    everything = listed(client, "/agreements/")
    response = client.get("/agreements/", {"forsenade": "on"})
    late = listed(client, "/agreements/", {"forsenade": "on"})
    assert late
    assert set(late) < set(everything)
    assert text(response).count("tag-overdue") == len(late)  # each row with its late reports


def test_pages_keep_the_choices_in_their_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("agreements.views.listing.AGREEMENTS_PER_PAGE", 2)
    client = login(Client(), "handlaggare")
    query = {"q": "GF-2024", "sortera": "-belopp", "ar": "2024", "status": "", "sida": "2"}
    body = text(client.get("/agreements/", query))
    assert "Sida 2 av 3 (6 överenskommelser)" in body
    assert 'href="?q=GF-2024&amp;ar=2024&amp;sortera=-belopp&amp;sida=3"' in body
    assert 'href="?q=GF-2024&amp;ar=2024&amp;sortera=-belopp&amp;sida=1"' in body
    assert 'href="?q=GF-2024&amp;ar=2024&amp;sortera=-belopp&amp;sida=1"' in body
    assert listed(client, "/agreements/", query) == ["GF-2024-HIGHFIVE", "GF-2024-TEK-KOMPETENS"]
    # A bad choice does not travel to the next page.
    body = text(client.get("/agreements/", {"sortera": "nope", "ar": "20x4"}))
    assert 'href="?sida=2"' in body


def test_the_agreement_list_makes_as_many_queries_filtered_and_with_many_rows() -> None:
    client = login(Client(), "handlaggare")
    url = "/agreements/?q=GF+2024&status=signed&ar=2024&forsenade=on&sortera=-aterrapportering"
    client.get(url)  # warm: session, content types
    few = (queries(client, "/agreements/"), queries(client, url))
    add_signed_agreements(add_partners_with_decided_2024(120))
    many = (queries(client, "/agreements/"), queries(client, url + "&sida=2"))
    assert few[0] == few[1] == many[0] == many[1]


# --------------------------------------------------------------------------- payments


def test_payments_are_searched_filtered_by_due_date_and_sorted() -> None:
    client = login(Client(), "handlaggare")
    assert set(listed(client, "/payments/", {"q": "coompanion"})) == {"GF-2024-COOMPANION"}
    assert set(listed(client, "/payments/", {"status": "released"})) == {"GF-2024-COOMPANION"}
    autumn = {"fran": "2024-08-01", "till": "2024-12-31"}
    assert listed(client, "/payments/", autumn) == ["GF-2024-COOMPANION"]  # its instalment 3
    everything = listed(client, "/payments/")
    assert listed(client, "/payments/", {"fran": "1 augusti", "till": "31/12/2024"}) == everything
    by_amount = listed(client, "/payments/", {"sortera": "-belopp"})
    assert by_amount[:2] == ["GF-2024-MATGILLE", "GF-2024-MATGILLE"]
    assert by_amount[-1] == "GF-2024-COOMPANION"  # 100 000 kr


def test_an_action_on_a_filtered_payment_list_comes_back_to_it() -> None:
    client = login(Client(), "handlaggare")
    body = text(client.get("/payments/", {"q": "matgille", "sortera": "bogus"}))
    assert 'name="query" value="q=matgille&amp;sida=1"' in body
    instalment = Instalment.objects.filter(agreement__reference="GF-2024-MATGILLE").first()
    assert instalment is not None
    response = client.post(
        f"/payments/{instalment.pk}/release/", {"query": "q=matgille&sortera=x&status=<b>&sida=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/payments/?q=matgille&sida=1"


def test_the_payment_list_makes_as_many_queries_filtered() -> None:
    client = login(Client(), "handlaggare")
    url = "/payments/?q=2024&status=planned&fran=2024-01-01&till=2024-12-31&sortera=partner"
    client.get("/payments/")
    assert queries(client, "/payments/?ar=2024") == queries(client, url)


# --------------------------------------------------------------------------- partners


def test_partners_are_searched_filtered_and_sorted() -> None:
    client = login(Client(), "handlaggare")
    Partner.objects.filter(slug="highfive").update(organisation_number="802456-1234")
    assert listed(client, "/partners/", {"q": "802456"}) == ["HighFive"]
    # The demo's invented addresses are all in Halmstad (demo/legal_details.py): one moves.
    Partner.objects.filter(slug="tek-kompetens").update(city="Varberg")
    assert listed(client, "/partners/", {"q": "varberg"}) == ["TEK Kompetens"]
    assert "TEK Kompetens" not in listed(client, "/partners/", {"q": "halmstad"})
    Partner.objects.filter(slug="tek-kompetens").update(is_active=False)
    assert listed(client, "/partners/", {"aktiv": "nej"}) == ["TEK Kompetens"]
    assert "TEK Kompetens" not in listed(client, "/partners/", {"aktiv": "ja"})
    by_amount = listed(client, "/partners/", {"sortera": "-beslutat"})
    assert by_amount[0] == "Hallands Matgille"


def test_a_partner_user_sees_their_organisation_without_a_search() -> None:
    client = login(Client(), "coompanion")
    body = text(client.get("/partners/", {"q": "matgille"}))
    assert 'role="search"' not in body
    assert listed(client, "/partners/", {"q": "matgille"}) == []  # and never more than theirs
    assert listed(client, "/partners/") == ["Coompanion"]


def test_the_partner_list_makes_as_many_queries_filtered() -> None:
    client = login(Client(), "handlaggare")
    url = "/partners/?q=a&aktiv=ja&forsenade=on&sortera=-forsenade"
    client.get("/partners/")
    few = (queries(client, "/partners/"), queries(client, url))
    add_partners_with_decided_2024(150)
    assert few == (queries(client, "/partners/"), queries(client, url + "&sida=2"))


@pytest.mark.parametrize("url", ["/agreements/", "/payments/", "/partners/", "/decisions/"])
def test_a_search_is_shown_back_escaped_and_finds_nothing_odd(url: str) -> None:
    client = login(Client(), "sekreterare" if url == "/decisions/" else "handlaggare")
    script = '"><script>alert(1)</script>'
    response = client.get(url, {"q": script, "sortera": "-belopp" if url != "/partners/" else ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in body
    assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert listed(client, url, {"q": script}) == []
