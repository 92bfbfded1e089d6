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
from accounts.session_cache import ANY_USER_GENERATION, cached_user_list
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
from audit.cache import per_revision
from core.generation_cache import read_by
from core.money import ZERO
from funding.models import Allocation, AllocationStatus
from partners.models import Partner, PartnerMembership
from partners.permissions import (
    can_deactivate_partner_user,
    can_manage_partner_users,
    can_view_partner,
)
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


def _users_key(slug: str) -> str:
    return f"partner-users:{slug}"


def partner_users_keys(slug: str) -> list[str]:
    """For `@reads_ahead` on the partner's page: its users table comes with the session."""
    return read_by(ANY_USER_GENERATION, _users_key(slug))


def partner_page(*, user: AnyUser, slug: str) -> PartnerPage | None:
    """The partner and its users, if the user may see the partner (as `partners_for`, checked
    in Python). The partner is read once per recorded change (it changes only through the
    partners app's services, which record it: audit.cache), the users table once per change
    to any user or membership (`cached_user_list`); the user's own membership, which decides
    access, comes with the session's user. With Redis a second view asks the database
    nothing."""
    partner = per_revision(f"partner:{slug}", lambda: Partner.objects.filter(slug=slug).first())
    if partner is None or not can_view_partner(user, partner):
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
    def load() -> tuple[int, list[PartnerMembership]]:
        ordered = partner.memberships.select_related("user")
        users = ordered.order_by("-user__is_active", "user__last_name", "user__first_name")
        return partner.pk, list(users)

    found = cached_user_list(_users_key(partner.slug), load)
    if found is None or found[0] != partner.pk:  # cached when the slug was another partner's
        found = load()
    memberships = found[1]
    manage = can_manage_partner_users(user, partner)
    return [
        UserRow(
            membership=m,
            can_deactivate=can_deactivate_partner_user(user, partner, m.user),
            can_reinvite=manage and m.user.account_status == AccountStatus.INVITED,
        )
        for m in memberships
    ]
