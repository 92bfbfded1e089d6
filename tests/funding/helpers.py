from datetime import date
from decimal import Decimal

from accounts.models import User
from funding import services as funding
from funding.models import Allocation, Decision, Programme


def decide_allocations(
    allocations: list[Allocation],
    *,
    by: User,
    paragraph: int = 1,
    amounts: dict[int, Decimal] | None = None,
) -> Decision:
    """Record and decide a decision listing `allocations` (amending ones get `amounts[pk]`)."""
    decision = funding.create_decision(
        meeting_date=date(2023, 10, 24),
        paragraph=paragraph,
        registration_number=f"RS23{paragraph:04d}",
        title="Grundfinansiering",
        text="Beslut.",
        by=by,
    )
    for allocation in allocations:
        funding.add_to_decision(
            decision=decision,
            allocation=allocation,
            amount=(amounts or {}).get(allocation.pk),
            by=by,
        )
    return funding.decide(decision=decision, by=by)


def decided_total(programme: Programme) -> Decimal:
    return Allocation.objects.decided().filter(programme=programme).total()
