"""Search, filters, sort and paging of the decision list (issue 19)."""

import pytest
from django.test import Client

from funding.models import Decision
from tests.agreements.test_list_search import listed, queries
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def test_decisions_are_searched_by_title_paragraph_and_partner() -> None:
    client = login(Client(), "sekreterare")
    assert listed(client, "/decisions/", {"q": "ändrad"}) == ["Ändrad grundfinansiering 2024"]
    assert listed(client, "/decisions/", {"q": "§101"}) == [
        "Grundfinansiering 2024 till strategiska partner"
    ]
    assert listed(client, "/decisions/", {"q": "RS240143"}) == ["Ändrad grundfinansiering 2024"]
    assert len(listed(client, "/decisions/", {"q": "Leap"})) == 2  # listed in both
    assert listed(client, "/decisions/", {"q": "matgille"}) == [
        "Grundfinansiering 2024 till strategiska partner"
    ]
    assert listed(client, "/decisions/", {"ar": "2023"}) == [
        "Grundfinansiering 2024 till strategiska partner"
    ]
    oldest_first = listed(client, "/decisions/", {"sortera": "datum"})
    assert oldest_first == listed(client, "/decisions/")[::-1]


def test_the_decision_list_is_paged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("funding.views.decisions.DECISIONS_PER_PAGE", 1)
    client = login(Client(), "handlaggare")
    body = text(client.get("/decisions/", {"status": "approved", "sida": "2"}))
    assert "Sida 2 av 2 (2 beslut)" in body
    assert 'href="?status=approved&amp;sida=1"' in body
    assert listed(client, "/decisions/", {"sida": "2"}) == [
        "Grundfinansiering 2024 till strategiska partner"
    ]


def test_the_decision_list_makes_as_many_queries_filtered() -> None:
    client = login(Client(), "sekreterare")
    url = "/decisions/?q=%C2%A7101+leap&ar=2023&status=approved&sortera=-belopp"
    client.get("/decisions/")
    assert queries(client, "/decisions/") == queries(client, url)
    assert Decision.objects.count() == 2
