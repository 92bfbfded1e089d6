"""The decision's state-aid assessment (issue 19): recorded by the secretary on the decision
form while the decision is a draft, refused with a message next to the field when incomplete."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from funding.models import Decision, StateAid
from tests.funding.test_decision_views import GOOD
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


DE_MINIMIS = {"state_aid": "de_minimis", "eur_rate": "11,5430", "eur_rate_date": "2024-10-22"}


def test_the_secretary_records_de_minimis_with_the_rate(client: Client) -> None:
    login(client, "sekreterare")
    response = client.post("/decisions/new/", {**GOOD, **DE_MINIMIS})
    assert response.status_code == 302, text(response)
    decision = Decision.objects.get(registration_number="RS240088")
    assert decision.state_aid == StateAid.DE_MINIMIS
    assert decision.eur_rate == Decimal("11.5430")
    assert decision.eur_rate_date == date(2024, 10, 22)
    page = text(client.get(f"/decisions/{decision.pk}/"))
    assert "stöd av mindre betydelse (de minimis)" in page
    # Editable while a draft: back to no state aid.
    edit = client.post(f"/decisions/{decision.pk}/edit/", {**GOOD, "state_aid": "none"})
    assert edit.status_code == 302
    decision.refresh_from_db()
    assert decision.state_aid == StateAid.NONE


def test_no_state_aid_is_the_default(client: Client) -> None:
    login(client, "sekreterare")
    assert client.post("/decisions/new/", GOOD).status_code == 302
    assert Decision.objects.get(registration_number="RS240088").state_aid == StateAid.NONE


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"eur_rate": ""}, "eur_rate", "Ange eurokursen vid beslutsdagen"),
        ({"eur_rate_date": ""}, "eur_rate_date", "Ange vilket datum eurokursen gäller"),
        ({"eur_rate": "0"}, "eur_rate", "Eurokursen måste vara större än 0"),
        ({"eur_rate": "-11,5"}, "eur_rate", "Eurokursen måste vara större än 0"),
        ({"eur_rate": "elva"}, "eur_rate", "Fyll i ett tal"),
        ({"eur_rate": "11,54301"}, "eur_rate", "decimaler"),
        ({"state_aid": "gift"}, "state_aid", "Välj ett giltigt alternativ"),
    ],
)
def test_incomplete_state_aid_gets_a_message_next_to_the_field(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    login(client, "sekreterare")
    before = Decision.objects.count()
    response = client.post("/decisions/new/", {**GOOD, **DE_MINIMIS, **changes})
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert f'id="id_{field}_error"' in body
    assert Decision.objects.count() == before
