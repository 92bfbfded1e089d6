"""The partner pages' reads (design §6, `/partners/`): a partner with its agreements, reports
and payments across years. They live with the agreements, which they show; partner data itself
is the partners app's. Scoped like every read: staff see every partner, a partner user only
their own, and another partner is a 404 like one that does not exist."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    DecimalField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AccountStatus
from accounts.permissions import AnyUser
from agreements.models import (
    Agreement,
    AgreementStatus,
    Instalment,
    InstalmentStatus,
)
from agreements.selectors import (
    RequirementRow,
    agreements_for,
    count_per_row,
    outstanding_requirements,
    requirement_rows,
    with_follow_up,
)
from core.money import ZERO
from funding.models import Allocation, AllocationStatus
from partners.models import Partner, PartnerMembership
from partners.permissions import can_deactivate_partner_user, can_manage_partner_users
from partners.selectors import partners_for

ACTIVE = (AgreementStatus.SENT, AgreementStatus.PARTNER_SIGNED, AgreementStatus.SIGNED)


def partner_list(*, user: AnyUser, year: int | None) -> QuerySet[Partner]:
    """Every partner the user may see, with active agreements, the year's decided amount and
    late reports, in one query."""
    decided = (
        Allocation.objects.filter(
            partner=OuterRef("pk"),
            status=AllocationStatus.DECIDED,
            programme__budget_year__year=year or 0,
        )
        .order_by()
        .values("partner")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    late = outstanding_requirements().filter(due_date__lt=timezone.localdate())
    return (
        partners_for(user)
        .annotate(
            active_agreements=count_per_row(Agreement.objects.filter(status__in=ACTIVE), "partner"),
            year_amount=Coalesce(
                Subquery(decided),
                Value(ZERO),
                output_field=DecimalField(max_digits=15, decimal_places=0),
            ),
            overdue_reports=count_per_row(late, "agreement__partner"),
        )
        .order_by("display_name")
    )


@dataclass
class YearOfAgreements:
    year: int
    agreements: list[Agreement] = field(default_factory=list)
    amount: Decimal = ZERO
    paid: Decimal = ZERO


@dataclass(frozen=True)
class UserRow:
    """One of the partner's users as the asking user sees them: what they may do to it."""

    membership: PartnerMembership
    can_deactivate: bool
    can_reinvite: bool


@dataclass
class PartnerPage:
    """The partner with its users, as the asking user may act on them."""

    partner: Partner
    users: list[UserRow]
    can_manage_users: bool


@dataclass
class FollowUp:
    """The partner's agreements by year, their reports and their payments."""

    years: list[YearOfAgreements]
    reports: list[RequirementRow]
    instalments: list[Instalment]


def partner_page(*, user: AnyUser, slug: str) -> PartnerPage | None:
    partner = partners_for(user).filter(slug=slug).first()
    if partner is None:
        return None
    return PartnerPage(
        partner=partner,
        users=_user_rows(user, partner),
        can_manage_users=can_manage_partner_users(user, partner),
    )


def partner_follow_up(*, user: AnyUser, partner: Partner) -> FollowUp:
    """What the user may see of the partner's agreements, newest year first."""
    agreements = list(
        with_follow_up(agreements_for(user))
        .filter(partner=partner)
        .order_by("-allocation__programme__budget_year__year", "reference")
    )
    years: dict[int, YearOfAgreements] = defaultdict(lambda: YearOfAgreements(0))
    reports, instalments = [], []
    for agreement in agreements:
        year = agreement.allocation.programme.budget_year.year
        group = years[year]
        group.year = year
        group.agreements.append(agreement)
        group.amount += agreement.amount
        for instalment in agreement.instalments.all():
            instalments.append(instalment)
            if instalment.status == InstalmentStatus.PAID:
                group.paid += instalment.amount
        reports += requirement_rows(agreement)
    return FollowUp(
        years=sorted(years.values(), key=lambda g: -g.year),
        reports=reports,
        instalments=instalments,
    )


def _user_rows(user: AnyUser, partner: Partner) -> list[UserRow]:
    memberships = partner.memberships.select_related("user").order_by(
        "-user__is_active", "user__last_name", "user__first_name"
    )
    manage = can_manage_partner_users(user, partner)
    return [
        UserRow(
            membership=m,
            can_deactivate=can_deactivate_partner_user(user, partner, m.user),
            can_reinvite=manage and m.user.account_status == AccountStatus.INVITED,
        )
        for m in memberships
    ]
