"""What the API reads, built on the apps' scoped selectors.

Every query starts from `budget_years_with_totals`, `programmes_with_totals`, `allocations_for` or
`agreements_for`, so the API answers exactly what the pages would show the same user: region
staff everything, a partner user their own agreements and no budget data. Each list is one query
for the rows plus one per prefetched relation, whatever the number of rows.
"""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from accounts.permissions import AnyUser
from agreements.models import Agreement, Instalment, ReportingRequirement, SignedDocument
from agreements.selectors import agreements_for
from funding.models import Allocation, BudgetYear, FundingSource, Programme
from funding.selectors import (
    allocations_for,
    budget_years_with_totals,
    programmes_with_totals,
)


def budget_years(*, user: AnyUser) -> QuerySet[BudgetYear]:
    return (
        budget_years_with_totals(user)
        .prefetch_related(
            Prefetch("sources", queryset=FundingSource.objects.order_by("kind", "name", "pk"))
        )
        .order_by("-year")
    )


def budget_year(*, user: AnyUser, year: int) -> BudgetYear | None:
    return budget_years(user=user).filter(year=year).first()


def programmes(*, user: AnyUser, year: int | None = None) -> QuerySet[Programme]:
    qs = programmes_with_totals(user)
    if year is not None:
        qs = qs.filter(budget_year__year=year)
    return qs.order_by("-budget_year__year", "slug", "pk")


def allocations(
    *, user: AnyUser, year: int | None = None, programme: str = ""
) -> QuerySet[Allocation]:
    qs = allocations_for(user).select_related("programme__budget_year")
    if year is not None:
        qs = qs.filter(programme__budget_year__year=year)
    if programme:
        qs = qs.filter(programme__slug=programme)
    return qs.order_by(
        "-programme__budget_year__year", "programme__slug", "partner__display_name", "pk"
    )


def _with_terms(qs: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return qs.select_related("allocation__programme__budget_year").prefetch_related(
        Prefetch(
            "instalments",
            queryset=Instalment.objects.select_related("after_report").order_by("number"),
        ),
        Prefetch(
            "reporting_requirements",
            queryset=ReportingRequirement.objects.select_related("report")
            .prefetch_related("report__values")
            .order_by("due_date", "pk"),
        ),
        "indicators",
        # Only the current version's PDF matters; older versions stay in the register.
        Prefetch(
            "signed_documents",
            queryset=SignedDocument.objects.order_by("-agreement_version").only(
                "pk", "agreement_id", "agreement_version"
            ),
        ),
    )


def agreements(
    *,
    user: AnyUser,
    year: int | None = None,
    status: str = "",
    updated_since: datetime | None = None,
) -> QuerySet[Agreement]:
    qs = _with_terms(agreements_for(user))
    if updated_since is not None:
        qs = qs.filter(updated_at__gte=updated_since)
    if year is not None:
        qs = qs.filter(allocation__programme__budget_year__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-allocation__programme__budget_year__year", "reference")


def agreement(*, user: AnyUser, reference: str) -> Agreement | None:
    """Looked up within what the user may see: another partner's is None, like a missing one."""
    return _with_terms(agreements_for(user)).filter(reference=reference).first()
