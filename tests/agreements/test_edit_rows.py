"""The edit pages' tables: rows added and removed without JavaScript (issue 19)."""

import re

import pytest
from django.test import Client

from agreements.models import Agreement
from tests.agreements.test_views import _edit_data
from tests.helpers import login, text

pytestmark = pytest.mark.django_db
URL = "/agreements/GF-2024-LEAP-FOR-LIFE/edit/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Leap for Life's agreement is a draft."""


def _rows(page: str, prefix: str) -> int:
    return len(set(re.findall(rf'name="{prefix}-(\d+)-', page)))


def test_the_page_starts_with_the_rows_there_are_and_one_empty(client: Client) -> None:
    agreement = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    page = text(login(client, "handlaggare").get(URL))
    assert _rows(page, "plan") == agreement.instalments.count() + 1
    assert _rows(page, "reports") == agreement.reporting_requirements.count() + 1
    assert 'name="add_plan"' in page
    assert 'name="add_reports"' in page
    assert 'name="add_indicators"' in page
    assert 'name="plan-0-DELETE"' in page
    assert "Ta bort" in page


def test_adding_a_row_keeps_every_input_and_saves_nothing(client: Client) -> None:
    login(client, "handlaggare")
    before = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    data = _edit_data(
        [("2024-02-28", "1 000 000"), ("2024-08-31", "fel belopp")],
        [("Lägesrapport om verksamheten", "2024-08-31")],
    )
    data["add_plan"] = "1"
    response = client.post(URL, data)
    assert response.status_code == 200
    page = text(response)
    assert _rows(page, "plan") == 3
    assert _rows(page, "reports") == 1
    assert 'value="fel belopp"' in page  # as typed, no error shown yet
    assert 'value="1 000 000"' in page
    assert "Lägesrapport om verksamheten</textarea>" in page
    assert "Nytt syfte</textarea>" in page
    assert "Något behöver rättas" not in page
    assert 'class="field-error"' not in page
    after = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    assert after.purpose == before.purpose


def test_rows_can_be_added_past_the_old_fixed_number(client: Client) -> None:
    login(client, "handlaggare")
    data = _edit_data([], [("A", "2024-03-31"), ("B", "2024-06-30"), ("C", "2024-09-30")])
    data["add_reports"] = "1"
    page = text(client.post(URL, data))
    assert _rows(page, "reports") == 4
    data = _edit_data([], [])
    data["add_indicators"] = "1"
    assert _rows(text(client.post(URL, data)), "indicators") == 1


def test_a_row_ticked_ta_bort_is_removed_on_saving(client: Client) -> None:
    login(client, "handlaggare")
    data = _edit_data(
        [("2024-02-28", "2 100 000"), ("2024-08-31", "999")],
        [("Lägesrapport", "2024-08-31"), ("Slutrapport", "2025-03-31")],
    )
    data["plan-1-DELETE"] = "on"
    data["reports-0-DELETE"] = "on"
    response = client.post(URL, data)
    assert response.status_code == 302, text(response)
    agreement = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    assert [str(i.amount) for i in agreement.instalments.all()] == ["2100000"]
    assert list(agreement.reporting_requirements.values_list("description", flat=True)) == [
        "Slutrapport"
    ]


def test_a_removed_row_with_bad_input_does_not_stop_saving(client: Client) -> None:
    login(client, "handlaggare")
    data = _edit_data(
        [("2024-02-28", "2 100 000"), ("31/2 2024", "inte ett belopp")],
        [("Slutrapport", "2024-12-31")],
    )
    data["plan-1-DELETE"] = "on"
    assert client.post(URL, data).status_code == 302


def test_adding_a_row_drops_the_rows_ticked_ta_bort(client: Client) -> None:
    login(client, "handlaggare")
    data = _edit_data([("2024-02-28", "1"), ("2024-03-28", "2")], [])
    data["plan-0-DELETE"] = "on"
    data["add_plan"] = "1"
    page = text(client.post(URL, data))
    assert _rows(page, "plan") == 2
    assert 'value="2"' in page
    assert 'name="plan-0-amount" value="1"' not in page


def test_the_amendment_edit_page_adds_rows_too(client: Client) -> None:
    from agreements import services

    agreement = Agreement.objects.get(reference="GF-2024-MATGILLE")
    services.draft_amendment(agreement=agreement, reason="Ny plan", by=None)
    login(client, "handlaggare")
    url = "/agreements/GF-2024-MATGILLE/amendment/edit/"
    page = text(client.get(url))
    planned = _rows(page, "plan")
    data = {
        "reason": "Ny plan",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "purpose": "Syfte",
        "conditions": "",
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "0",
        "plan-0-due_date": "2024-11-30",
        "plan-0-amount": "5",
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "add_plan": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert _rows(text(response), "plan") == 2
    assert planned >= 1
