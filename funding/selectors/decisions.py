"""Reads the decision pages need, scoped to the user asking."""

from django.db.models import Count, Prefetch, QuerySet, Sum

from accounts.permissions import AnyUser
from funding.models import (
    DECISION_EDITABLE,
    Allocation,
    AllocationStatus,
    AmendmentProposal,
    BudgetYearStatus,
    Decision,
    DecisionItem,
    ProposalStatus,
    SourceKind,
)
from funding.selectors.budget import decisions_for


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
