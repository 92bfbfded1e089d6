"""What a draft decision would leave each programme at, for the decision page (issue 17): the
money decided now, with the amounts the decision shows in place of the rows it lists."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from core.money import ZERO
from funding.models import Allocation, AllocationStatus, DecisionItem, Programme


@dataclass(frozen=True)
class ResultingTotal:
    programme: Programme
    total: Decimal

    @property
    def over_by(self) -> Decimal:
        return max(self.total - self.programme.ceiling, ZERO)


def resulting_totals(items: list[DecisionItem]) -> list[ResultingTotal]:
    """Per programme of `items` (read with their allocations and programmes): decided money
    elsewhere in the programme plus what the decision shows. One query."""
    programmes = {item.allocation.programme_id: item.allocation.programme for item in items}
    listed = {item.allocation_id for item in items}
    elsewhere = dict(
        Allocation.objects.filter(programme__in=list(programmes), status=AllocationStatus.DECIDED)
        .exclude(pk__in=listed)
        .values("programme")
        .annotate(total=Sum("amount"))
        .values_list("programme", "total")
    )
    return [
        ResultingTotal(
            programme=programme,
            total=elsewhere.get(pk, ZERO)
            + sum((i.amount for i in items if i.allocation.programme_id == pk), ZERO),
        )
        for pk, programme in sorted(programmes.items(), key=lambda p: p[1].name)
    ]
