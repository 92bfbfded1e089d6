"""Reads the budget pages need, scoped to the user asking."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from accounts.permissions import AnyUser
from audit.models import AuditEvent
from core.money import ZERO, format_amount
from funding.models import (
    DECISION_EDITABLE,
    Allocation,
    AllocationStatus,
    AmendmentProposal,
    BudgetYear,
    BudgetYearStatus,
    Decision,
    DecisionItem,
    FundingSource,
    Programme,
    ProgrammeKind,
    ProposalStatus,
    SourceKind,
)
from funding.permissions import can_view_budget, can_view_decisions
from partners.models import Partner

ZERO_VALUE = Value(ZERO)


def budget_years_for(user: AnyUser) -> QuerySet[BudgetYear]:
    if not can_view_budget(user):
        return BudgetYear.objects.none()
    return BudgetYear.objects.all()


def programmes_for(user: AnyUser) -> QuerySet[Programme]:
    if not can_view_budget(user):
        return Programme.objects.none()
    return Programme.objects.select_related("budget_year", "source")


def budget_years_with_totals(user: AnyUser) -> QuerySet[BudgetYear]:
    """The user's budget years, each with `decided_total` and `draft_total` of all its
    allocations, in one query (the JSON API's budget years)."""
    return _with_totals(budget_years_for(user), via="programmes__allocations__")


def programmes_with_totals(user: AnyUser) -> QuerySet[Programme]:
    """The user's programmes, each with `decided_total` and `draft_total` of its allocations,
    in one query (the JSON API's programme list)."""
    return _with_totals(programmes_for(user))


def allocations_for(user: AnyUser) -> QuerySet[Allocation]:
    if not can_view_budget(user):
        return Allocation.objects.none()
    return Allocation.objects.select_related("partner", "programme", "decision")


def decisions_for(user: AnyUser) -> QuerySet[Decision]:
    if not can_view_decisions(user):
        return Decision.objects.none()
    return Decision.objects.all()


# --------------------------------------------------------------------------- budget overview


@dataclass
class ProgrammeLine:
    programme: Programme
    decided: Decimal
    draft: Decimal

    @property
    def allocated(self) -> Decimal:
        return self.decided + self.draft

    @property
    def remaining(self) -> Decimal:
        return self.programme.ceiling - self.allocated

    @property
    def is_over(self) -> bool:
        return self.remaining < 0


@dataclass
class SourceLine:
    source: FundingSource
    programmes: list[ProgrammeLine]

    @property
    def committed(self) -> Decimal:
        """Σ programme ceilings drawn on this source."""
        return sum((p.programme.ceiling for p in self.programmes), ZERO)

    @property
    def uncommitted(self) -> Decimal:
        return self.source.amount - self.committed

    @property
    def allocated(self) -> Decimal:
        return sum((p.allocated for p in self.programmes), ZERO)


@dataclass
class PartnerShare:
    name: str
    amount: Decimal
    decided: bool
    bar: int  # bar length in the chart's units (0–CHART_WIDTH)
    y: int  # the row's top in the chart's units

    # Precomputed for the page: with 300 partners the chart and the table are 600 rows, and a
    # template filter per cell was most of the page's time (docs/performance.md).
    @property
    def label(self) -> str:
        return Truncator(self.name).chars(CHART_LABEL_CHARS)

    @property
    def value_x(self) -> int:
        return self.bar + CHART_LABEL_GAP

    @property
    def amount_text(self) -> str:
        return format_amount(self.amount)


CHART_WIDTH = 400
CHART_ROW = 28
CHART_LABEL_CHARS = 22
CHART_LABEL_GAP = 196  # the bar starts at 190; its value is written just after its end


@dataclass
class BudgetOverview:
    budget_year: BudgetYear
    sources: list[SourceLine]
    basic_funding_total: Decimal
    regional_development_total: Decimal
    split: list[PartnerShare]
    split_is_example_data: bool

    @property
    def basic_funding_share(self) -> Decimal | None:
        """Basic funding's share of the regional development funds (≈ 0,305 in 2024)."""
        if not self.regional_development_total:
            return None
        return self.basic_funding_total / self.regional_development_total

    @property
    def chart_height(self) -> int:
        return len(self.split) * CHART_ROW

    @property
    def split_total(self) -> Decimal:
        return sum((s.amount for s in self.split), ZERO)


def _with_totals[M: Model](qs: QuerySet[M], *, via: str = "allocations__") -> QuerySet[M]:
    """Each row with `decided_total` and `draft_total` of the allocations reached by `via`."""
    decided = Q(**{f"{via}status": AllocationStatus.DECIDED})
    draft = Q(**{f"{via}status": AllocationStatus.DRAFT})
    annotated = qs.annotate(
        decided_total=Coalesce(Sum(f"{via}amount", filter=decided), ZERO_VALUE),
        draft_total=Coalesce(Sum(f"{via}amount", filter=draft), ZERO_VALUE),
    )
    return cast(QuerySet[M], annotated)  # the stubs lose the model type in annotate()


def budget_overview(*, budget_year: BudgetYear) -> BudgetOverview:
    """Everything the overview page shows, in three queries whatever the number of rows."""
    programmes = _with_totals(Programme.objects.order_by("name"))
    sources = list(
        FundingSource.objects.filter(budget_year=budget_year)
        .order_by("kind", "name")
        .prefetch_related(Prefetch("programmes", queryset=programmes))
    )
    lines = [
        SourceLine(
            source=s,
            programmes=[
                ProgrammeLine(
                    programme=p,
                    decided=p.decided_total,  # type: ignore[attr-defined]  # annotated
                    draft=p.draft_total,  # type: ignore[attr-defined]
                )
                for p in s.programmes.all()
            ],
        )
        for s in sources
    ]
    regional = [line for line in lines if line.source.kind == SourceKind.REGIONAL_DEVELOPMENT]
    basic_from_regional = [
        p for line in regional for p in line.programmes if p.programme.is_basic_funding
    ]
    basic = [p for line in lines for p in line.programmes if p.programme.is_basic_funding]

    rows = list(
        Allocation.objects.filter(
            programme__budget_year=budget_year, programme__kind=ProgrammeKind.BASIC_FUNDING
        )
        .values("partner__display_name")
        .annotate(
            total=Sum("amount"),
            undecided=Count("pk", filter=Q(status=AllocationStatus.DRAFT)),
        )
        .order_by("-total", "partner__display_name")
    )
    largest = max((r["total"] for r in rows), default=ZERO) or Decimal(1)
    split = [
        PartnerShare(
            name=r["partner__display_name"],
            amount=r["total"],
            decided=r["undecided"] == 0,
            bar=int(r["total"] * CHART_WIDTH / largest),
            y=i * CHART_ROW,
        )
        for i, r in enumerate(rows)
    ]
    return BudgetOverview(
        budget_year=budget_year,
        sources=lines,
        basic_funding_total=sum((p.allocated for p in basic_from_regional), ZERO),
        regional_development_total=sum((line.source.amount for line in regional), ZERO),
        split=split,
        split_is_example_data=any(p.programme.is_example_data for p in basic),
    )


# --------------------------------------------------------------------------- allocation editor


@dataclass
class EditorRow:
    partner: Partner
    allocation: Allocation | None

    @property
    def editable(self) -> bool:
        return self.allocation is None or not self.allocation.is_decided

    @property
    def version(self) -> int:
        return self.allocation.version if self.allocation else 0

    @property
    def amount(self) -> Decimal | None:
        return self.allocation.amount if self.allocation else None


def allocation_editor_rows(*, programme: Programme) -> list[EditorRow]:
    """One row per active partner, plus any inactive partner that already has an allocation.

    Two queries, whatever the number of partners.
    """
    allocations = {
        a.partner_id: a
        for a in Allocation.objects.filter(programme=programme).select_related(
            "decision", "updated_by"
        )
    }
    partners = Partner.objects.filter(Q(is_active=True) | Q(pk__in=list(allocations))).order_by(
        "display_name"
    )
    return [EditorRow(partner=p, allocation=allocations.get(p.pk)) for p in partners]


@dataclass(frozen=True)
class EditorTotals:
    """What the editor's totals box shows: the programme's sum against its ceiling."""

    total: Decimal
    ceiling: Decimal
    unreadable: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.ceiling - self.total

    @property
    def over_by(self) -> Decimal:
        return max(ZERO, self.total - self.ceiling)


def editor_totals(
    *, programme: Programme, rows: list[EditorRow], typed: Mapping[int, Decimal | None]
) -> EditorTotals:
    """The sum of the rows, with what is typed in place of the saved amount of an editable row
    (None: typed but unreadable, not counted). `typed` is empty for the page as saved."""
    total, unreadable = ZERO, 0
    for row in rows:
        if row.editable and row.partner.pk in typed:
            value = typed[row.partner.pk]
            if value is None:
                unreadable += 1
            else:
                total += value
        elif row.amount is not None:
            total += row.amount
    return EditorTotals(total=total, ceiling=programme.ceiling, unreadable=unreadable)


def programme_history(*, programme: Programme) -> QuerySet[AuditEvent]:
    """Every recorded change of the programme and of its allocations, newest first."""
    allocation_ids = Allocation.objects.filter(programme=programme).values_list("pk", flat=True)
    return (
        AuditEvent.objects.filter(
            Q(
                target_type=ContentType.objects.get_for_model(Allocation),
                target_id__in=[str(pk) for pk in allocation_ids],
            )
            | Q(
                target_type=ContentType.objects.get_for_model(Programme),
                target_id=str(programme.pk),
            )
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def current_budget_year(user: AnyUser) -> BudgetYear | None:
    """The year an official lands on: the latest active year, else the latest year."""
    years = budget_years_for(user)
    active = years.filter(status=BudgetYearStatus.ACTIVE).order_by("-year").first()
    return active or years.order_by("-year").first()


# --------------------------------------------------------------------------- decisions


def decision_list(*, user: AnyUser) -> QuerySet[Decision]:
    return (
        decisions_for(user)
        .select_related("document")
        .annotate(item_count=Count("items"), item_total=Sum("items__amount"))
        .order_by("-meeting_date", "-paragraph", "-pk")
    )


def decision_detail(*, user: AnyUser, pk: int) -> Decision | None:
    return (
        decisions_for(user)
        .select_related("document")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=DecisionItem.objects.select_related(
                    "allocation__partner", "allocation__programme__budget_year"
                ).order_by("allocation__programme__name", "allocation__partner__display_name"),
            )
        )
        .filter(pk=pk)
        .first()
    )


def open_amendments() -> QuerySet[AmendmentProposal]:
    """Proposed changes of decided money that no decision lists yet, in years still open."""
    return (
        AmendmentProposal.objects.filter(status=ProposalStatus.OPEN)
        .exclude(allocation__programme__budget_year__status=BudgetYearStatus.CLOSED)
        .select_related("allocation__partner", "allocation__programme", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def allocations_open_for(decision: Decision) -> QuerySet[Allocation]:
    """Draft allocations in open years that no draft decision lists yet (this one included):
    an allocation is in at most one open decision at a time."""
    return (
        Allocation.objects.filter(status=AllocationStatus.DRAFT)
        .exclude(programme__budget_year__status=BudgetYearStatus.CLOSED)
        .exclude(items__decision__status__in=DECISION_EDITABLE)
        .select_related("partner", "programme")
        .order_by("programme__name", "partner__display_name")
    )


def decision_draws_on_state_funds(*, decision: Decision) -> bool:
    """The decision lists money from the state 1:1 funds (its legal basis then differs)."""
    items = decision.items.filter(allocation__programme__source__kind=SourceKind.STATE_GROWTH)
    return items.exists()
