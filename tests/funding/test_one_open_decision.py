"""A draft allocation is in at most one open decision, and a decision decides the amounts it
shows (issue 17, "Amending decisions"; the regression test of issue 13, finding 3: the same
draft allocation sat in two draft decisions and the second put back an older amount)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from accounts.models import User
from funding import services
from funding.models import Allocation, AllocationStatus, Decision, Programme
from funding.selectors import allocations_open_for
from tests.helpers import at_once, login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """The demo: the 2025 frame's draft allocations wait for a decision."""


def secretary() -> User:
    return User.objects.get(username="sekreterare")


def draft_decision(paragraph: int) -> Decision:
    return services.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=paragraph,
        registration_number=f"RS24{paragraph:04d}",
        title=f"Grundfinansiering 2025, § {paragraph}",
        text="Beslut.",
        by=secretary(),
    )


def matgille_2025() -> Allocation:
    return Allocation.objects.get(programme__budget_year__year=2025, partner__slug="matgille")


def test_a_second_draft_decision_cannot_list_an_allocation_the_first_lists() -> None:
    first, second = draft_decision(90), draft_decision(91)
    services.add_to_decision(decision=first, allocation=matgille_2025(), by=secretary())
    with pytest.raises(ValidationError, match=r"Hallands Matgille finns redan i beslutsutkastet"):
        services.add_to_decision(decision=second, allocation=matgille_2025(), by=secretary())
    assert matgille_2025() not in allocations_open_for(second)
    assert not second.items.exists()

    services.remove_from_decision(decision=first, allocation=matgille_2025(), by=secretary())
    assert matgille_2025() in allocations_open_for(second)
    services.add_to_decision(decision=second, allocation=matgille_2025(), by=secretary())


def test_an_allocation_changed_after_listing_is_refused_by_name_until_listed_again() -> None:
    """Issue 13, finding 3: no decision silently decides an amount it does not show."""
    allocation = matgille_2025()
    programme = Programme.objects.get(pk=allocation.programme_id)
    decision = draft_decision(92)
    services.add_to_decision(decision=decision, allocation=allocation, by=secretary())
    shown = decision.items.get().amount
    assert shown == allocation.amount

    official = User.objects.get(username="handlaggare")
    services.set_allocations(
        programme=programme, amounts={allocation.partner_id: shown - 100_000}, by=official
    )
    with pytest.raises(ValidationError, match="Hallands Matgille har ändrats efter att den togs"):
        services.decide(decision=decision, by=secretary())
    assert matgille_2025().status == AllocationStatus.DRAFT

    client = login(Client(), "sekreterare")
    page = text(client.get(f"/decisions/{decision.pk}/"))
    assert "Ändrad efter att den togs upp" in page
    response = client.post(f"/decisions/{decision.pk}/refresh/{allocation.pk}/")
    assert response.status_code == 302
    item = decision.items.get()
    assert item.amount == shown - 100_000
    assert "Ändrad efter att den togs upp" not in text(client.get(f"/decisions/{decision.pk}/"))

    services.decide(decision=decision, by=secretary())
    decided = matgille_2025()
    assert (decided.status, decided.amount) == (AllocationStatus.DECIDED, shown - 100_000)


def test_the_draft_decisions_total_is_the_sum_of_the_amounts_it_shows() -> None:
    allocation = matgille_2025()
    decision = draft_decision(93)
    services.add_to_decision(decision=decision, allocation=allocation, by=secretary())
    services.set_allocations(
        programme=Programme.objects.get(pk=allocation.programme_id),
        amounts={allocation.partner_id: Decimal(1)},
        by=User.objects.get(username="handlaggare"),
    )
    page = text(login(Client(), "sekreterare").get(f"/decisions/{decision.pk}/"))
    listed = decision.items.get().amount
    amount = f"{listed:,.0f}".replace(",", " ")
    # The row, the sum and what the frame ends at: all what the decision shows ...
    assert page.count(f"{amount} kr") == 3
    assert f'Summa</th><td class="num">{amount} kr' in page
    assert f"Grundfinansiering 2025 blir {amount} kr beslutat" in page
    assert "nu 1 kr" in page  # ... and what the allocation says now, marked


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_secretaries_listing_one_allocation_in_two_drafts_at_once_one_wins() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks between two connections")
    drafts = [draft_decision(94), draft_decision(95)]
    allocation = matgille_2025()

    def list_in(decision: Decision) -> str:
        try:
            services.add_to_decision(decision=decision, allocation=allocation, by=secretary())
        except ValidationError as error:
            return " ".join(error.messages)
        return "listed"

    turns = iter(drafts)
    outcomes = at_once(2, lambda: list_in(next(turns)))
    assert sorted(outcomes)[1] == "listed"
    assert "finns redan i beslutsutkastet" in sorted(outcomes)[0]
    assert sum(d.items.count() for d in drafts) == 1
