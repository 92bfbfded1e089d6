"""The Exempeldata label follows the data, not the year (issue 19)."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from funding import services
from funding.models import BudgetYear, Programme, ProgrammeKind, SourceKind
from partners.models import Partner
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

PUBLIC_SENTENCE = "Offentligt är totalbeloppet"


@pytest.fixture
def official(client: Client, demo: None) -> Client:
    return login(client, "handlaggare")


def test_2024_says_what_is_public_and_that_the_share_is_decided(official: Client) -> None:
    body = text(official.get("/budget/2024/"))
    assert "Exempeldata" in body
    assert "Offentligt är totalbeloppet 11 900 000 kr." in body
    assert "Offentligt är också att Hallands Matgille fick 3 000 000 kr." in body
    assert "Andelen är beräknad på beslutade belopp." in body


def test_english_says_the_same_in_english_formats(official: Client) -> None:
    official.cookies["django_language"] = "en"
    body = text(official.get("/budget/2024/"))
    assert "Example data" in body
    assert "The total amount of SEK 11,900,000 is public." in body
    assert "That Hallands Matgille received SEK 3,000,000 is also public." in body
    assert "The share is computed from decided amounts." in body
    assert "30.5%" in body
    assert " kr" not in body.split("<main", 1)[1]  # no Swedish amounts in English sentences


def test_2025_copied_from_2024_is_labelled_without_2024s_public_facts(official: Client) -> None:
    body = text(official.get("/budget/2025/"))
    assert "Exempeldata" in body
    assert "Fördelningen per partner är påhittad för demonstration." in body
    assert PUBLIC_SENTENCE not in body
    assert "Andelen är beräknad på utkast" in body


def test_a_year_started_from_example_data_is_example_data(official: Client) -> None:
    services.start_next_budget_year(
        previous=BudgetYear.objects.get(year=2025),
        copy_amounts=True,
        by=User.objects.get(username="handlaggare"),
    )
    programme = Programme.objects.get(budget_year__year=2026)
    assert programme.is_example_data
    assert not programme.ceiling_is_public
    assert not programme.allocations.filter(amount_is_public=True).exists()
    overview = text(official.get("/budget/2026/"))
    assert "Exempeldata" in overview
    assert PUBLIC_SENTENCE not in overview
    editor = text(official.get("/budget/2026/grundfinansiering/allocations/"))
    assert "Exempeldata" in editor


def test_real_data_is_not_labelled(official: Client) -> None:
    """A year entered by officials (not example data) carries no label."""
    by = User.objects.get(username="handlaggare")
    year = services.create_budget_year(year=2030, by=by)
    source = services.create_funding_source(
        budget_year=year,
        kind=SourceKind.REGIONAL_DEVELOPMENT,
        name="Utvecklingsmedel 2030",
        amount=Decimal("40000000"),
        by=by,
    )
    services.create_programme(
        budget_year=year,
        source=source,
        kind=ProgrammeKind.BASIC_FUNDING,
        name="Grundfinansiering 2030",
        slug="grundfinansiering",
        ceiling=Decimal("12000000"),
        by=by,
    )
    partner = Partner.objects.get(slug="coompanion")
    services.set_allocations(
        programme=Programme.objects.get(budget_year=year),
        amounts={partner.pk: Decimal("1000000")},
        by=by,
    )
    body = text(official.get("/budget/2030/"))
    assert "Grundfinansiering per partner" in body
    assert "Exempeldata" not in body
    assert "påhittad" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/",  # the official's "Att göra" lists example reports
        "/budget/2024/",
        "/budget/2025/",
        "/budget/2024/grundfinansiering/allocations/",
        "/budget/2025/grundfinansiering/history/",
        "/agreements/",
        "/agreements/GF-2024-COOMPANION/",
        "/payments/",
        "/decisions/",
        "/partners/coompanion/",
    ],
)
def test_every_page_showing_example_data_labels_it(official: Client, path: str) -> None:
    assert 'class="example-data"' in official.get(path).content.decode()
