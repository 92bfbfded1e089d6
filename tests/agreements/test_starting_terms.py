"""A new agreement's purpose and conditions start from last year's or the standard text
(issue 19)."""

from datetime import date

import pytest
from django.test import Client

from accounts.models import User
from agreements.models import Agreement, AgreementStatus
from agreements.starting_terms import STANDARD_CONDITIONS, starting_terms
from funding import services as funding
from funding.models import Allocation, Programme
from tests.helpers import add_partners_with_decided_2024, login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo has 2024 agreements; its 2025 allocations are not decided yet."""


def _decided_2025(slug: str) -> Allocation:
    secretary = User.objects.get(username="sekreterare")
    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=88,
        registration_number="RS240088",
        title="Grundfinansiering 2025",
        text="Beslut",
        by=secretary,
    )
    allocation = Programme.objects.get(budget_year__year=2025).allocations.get(partner__slug=slug)
    funding.add_to_decision(decision=decision, allocation=allocation, by=secretary)
    funding.decide(decision=decision, by=secretary)
    return allocation


def test_the_form_starts_from_last_years_agreement(client: Client) -> None:
    last_year = Agreement.objects.get(reference="GF-2024-MATGILLE")
    Agreement.objects.filter(pk=last_year.pk).update(
        purpose="Förra årets syfte.", conditions="Förra årets villkor."
    )
    allocation = _decided_2025("matgille")
    page = text(login(client, "handlaggare").get(f"/agreements/new/{allocation.pk}/"))
    assert "Förra årets syfte.</textarea>" in page
    assert "Förra årets villkor.</textarea>" in page
    assert "hämtade från förra årets överenskommelse, GF-2024-MATGILLE" in page
    assert 'value="2025-01-01"' in page


def test_a_discarded_agreement_is_not_a_starting_point() -> None:
    allocation = _decided_2025("matgille")
    Agreement.objects.filter(reference="GF-2024-MATGILLE").update(
        status=AgreementStatus.DISCARDED, discard_reason="Fel"
    )
    start = starting_terms(Allocation.objects.get(pk=allocation.pk))
    assert start.previous is None
    assert start.purpose.endswith("under 2025.")


def test_a_partner_without_an_earlier_agreement_starts_from_the_standard_text(
    client: Client,
) -> None:
    (allocation,) = add_partners_with_decided_2024(1)
    page = text(login(client, "handlaggare").get(f"/agreements/new/{allocation.pk}/"))
    partner = allocation.partner.legal_name
    assert f"Grundfinansieringen ska ge {partner} förutsättningar" in page
    assert "under 2024.</textarea>" in page
    assert STANDARD_CONDITIONS.split(".")[0] in page
    assert "regionens standardtext" in page


def test_the_official_may_change_what_it_starts_from(client: Client) -> None:
    allocation = _decided_2025("matgille")
    login(client, "handlaggare")
    data = {
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "purpose": "Eget syfte.",
        "conditions": "",
    }
    assert client.post(f"/agreements/new/{allocation.pk}/", data).status_code == 302
    agreement = Agreement.objects.get(reference="GF-2025-MATGILLE")
    assert agreement.purpose == "Eget syfte."
    assert agreement.conditions == ""
