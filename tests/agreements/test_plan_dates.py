"""When an instalment may be dated, and how a refusal names the dates (issue 19)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from agreements.models import Agreement
from agreements.plans import PlannedInstalment, check_plan
from tests.agreements.test_views import _edit_data
from tests.helpers import login, text


@dataclass
class Terms:
    period_start: date = date(2024, 1, 1)
    period_end: date = date(2024, 12, 31)
    amount: Decimal = Decimal(1000)


def _refusal(plan: list[PlannedInstalment]) -> str:
    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        check_plan(Terms(), plan)
    return " ".join(refused.value.messages)


def test_a_final_payment_waiting_for_the_final_report_may_fall_after_the_period() -> None:
    check_plan(
        Terms(),
        [
            PlannedInstalment(date(2024, 1, 31), Decimal(600)),
            PlannedInstalment(date(2025, 4, 30), Decimal(400), after_report=2),
        ],
    )


def test_one_not_waiting_for_a_report_may_not() -> None:
    message = _refusal(
        [
            PlannedInstalment(date(2024, 1, 31), Decimal(600)),
            PlannedInstalment(date(2025, 4, 30), Decimal(400)),
        ]
    )
    assert "Utbetalningen den 30 april 2025 ligger utanför överenskommelseperioden" in message
    assert "väntar på en godkänd återrapport" in message
    assert "senast 31 december 2025" in message
    assert "2025-04-30" not in message


def test_even_a_waiting_one_is_refused_more_than_a_year_after() -> None:
    message = _refusal([PlannedInstalment(date(2026, 1, 31), Decimal(1000), after_report=1)])
    assert "Utbetalningen den 31 januari 2026 ligger utanför överenskommelseperioden" in message
    assert "senast 31 december 2025" in message


def test_too_early_names_the_earliest_day() -> None:
    message = _refusal([PlannedInstalment(date(2022, 12, 31), Decimal(1000))])
    assert "Utbetalningen den 31 december 2022" in message
    assert "tidigast 1 januari 2023" in message


def test_extreme_years_get_a_message_not_an_error() -> None:
    with pytest.raises(ValidationError):
        check_plan(
            Terms(period_start=date(1, 1, 1), period_end=date(9999, 12, 31)),
            [PlannedInstalment(date(1, 1, 1), Decimal(1))],
        )


@pytest.mark.django_db
def test_the_edit_page_shows_the_date_in_swedish(client: Client, demo: None) -> None:
    login(client, "handlaggare")
    amount = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE").amount
    data = _edit_data([("2025-03-31", f"{amount:.0f}")], [("Slutrapport", "2025-02-28")])
    response = client.post("/agreements/GF-2024-LEAP-FOR-LIFE/edit/", data)
    assert response.status_code == 400
    assert "Utbetalningen den 31 mars 2025 ligger utanför överenskommelseperioden" in text(response)
    data["plan-0-after_report"] = "1"
    assert client.post("/agreements/GF-2024-LEAP-FOR-LIFE/edit/", data).status_code == 302
    instalment = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE").instalments.get()
    assert instalment.due_date == date(2025, 3, 31)
    assert instalment.after_report is not None
