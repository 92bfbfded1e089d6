"""The rules every write to the budget checks, and the locks it takes (design §3).

Rows are locked always in the same order (source → programme → allocations, each by primary
key) so that concurrent writers queue instead of deadlocking."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.money import ZERO, is_whole_kronor
from funding.models import (
    BudgetYear,
    BudgetYearStatus,
    FundingSource,
    Programme,
    ProgrammeKind,
)


def check_amount(value: Decimal, *, field: str = "amount") -> None:
    if isinstance(value, float) or not isinstance(value, Decimal):
        raise TypeError(f"{field} must be a Decimal, not {type(value).__name__}")
    if value < 0:
        raise ValidationError({field: _("Beloppet får inte vara negativt.")})
    if not is_whole_kronor(value):
        raise ValidationError({field: _("Beloppet ska vara hela kronor, utan öre.")})


def check_year_open(budget_year: BudgetYear) -> None:
    if budget_year.status == BudgetYearStatus.CLOSED:
        raise ValidationError(_("Budgetåret %(year)s är avslutat.") % {"year": budget_year.year})


def check_source_rule(*, kind: str, source: FundingSource, override_reason: str) -> None:
    """Invariant 3: basic funding is operating support, which some sources may not carry."""
    if (
        kind == ProgrammeKind.BASIC_FUNDING
        and not source.allows_operating_support
        and not override_reason.strip()
    ):
        raise ValidationError(
            {
                "source": _(
                    "%(source)s får inte användas till grundfinansiering (verksamhetsstöd). "
                    "Välj en annan källa eller ange en motivering för undantaget."
                )
                % {"source": source.name}
            }
        )


def ceilings_total(source: FundingSource, *, excluding: Programme | None = None) -> Decimal:
    programmes = source.programmes.all()
    if excluding is not None and excluding.pk:
        programmes = programmes.exclude(pk=excluding.pk)
    return programmes.aggregate(t=Sum("ceiling"))["t"] or ZERO


def lock_source(source_id: int) -> FundingSource:
    return FundingSource.objects.select_for_update().get(pk=source_id)


def lock_programmes(ids: Iterable[int]) -> dict[int, Programme]:
    rows = Programme.objects.select_for_update().filter(pk__in=set(ids)).order_by("pk")
    return {p.pk: p for p in rows}
