"""Reads about agreements, scoped to the user: the one place object-level access lives."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import AnyUser, is_region_staff
from agreements.models import (
    REPORT_DELIVERED,
    Agreement,
    AgreementStatus,
    Instalment,
    InstalmentStatus,
    Report,
    ReportAttachment,
    ReportingRequirement,
    ReportStatus,
    Signature,
    SignedDocument,
)
from agreements.permissions import can_handle_payments
from audit.actions import AuditAction
from audit.models import AuditEvent
from funding.models import Allocation, AllocationStatus
from partners.permissions import membership_of


def visible_agreements(user: AnyUser, *, via: str = "") -> Q | None:
    """Which agreements the user may see, as a condition on `via` + the agreement's fields;
    None when they may see none. The one statement of the rule: region staff see every
    agreement, a partner user only their partner's, anyone else none (design §5). Its other
    forms follow: `may_see_agreement_of`, `visibility_scope`."""
    if is_region_staff(user):
        return Q()
    membership = membership_of(user)
    if membership is None:
        return None
    return Q(**{f"{via}partner_id": membership.partner_id})


def may_see_agreement_of(user: AnyUser, *, partner_id: int) -> bool:
    """`visible_agreements`' rule for one agreement already in hand (its partner), in Python:
    for a download answered from the cache (agreements.downloads). Keep the three together."""
    if is_region_staff(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.partner_id == partner_id


def visibility_scope(user: AnyUser) -> str:
    """`visible_agreements`' rule as a cache key: whose agreements (and partners, the rule of
    `partners_for`) a page rendered for this user holds. Keep the three together."""
    if is_region_staff(user):
        return "region"
    membership = membership_of(user)
    return f"partner-{membership.partner_id}" if membership is not None else "none"


def with_follow_up(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """The agreements with their instalments (and the report each waits for) and their
    reporting requirements (with their reports): what a page about the follow-up reads, in two
    queries whatever the number of agreements. Prefetching sets each row's agreement too."""
    return agreements.prefetch_related(
        Prefetch("instalments", queryset=Instalment.objects.select_related("after_report")),
        Prefetch(
            "reporting_requirements",
            queryset=ReportingRequirement.objects.select_related("report"),
        ),
    )


def agreements_for(user: AnyUser) -> QuerySet[Agreement]:
    """The agreements the user may see.

    Views look agreements up in this queryset, so another partner's agreement is a 404 exactly
    like one that does not exist.
    """
    scope = visible_agreements(user)
    if scope is None:
        return Agreement.objects.none()
    return Agreement.objects.select_related("partner", "allocation__programme__budget_year").filter(
        scope
    )


def outstanding_requirements() -> QuerySet[ReportingRequirement]:
    """Requirements still waiting for the partner: of a signed agreement, with no report with
    the region (none, a draft, or returned). Past the due date they are late (försenad)."""
    return ReportingRequirement.objects.filter(agreement__status=AgreementStatus.SIGNED).exclude(
        report__status__in=REPORT_DELIVERED
    )


def next_report_date() -> Subquery:
    """Annotation: the agreement's next reporting date: for a signed agreement its earliest
    outstanding requirement, late ones included ("next report" never hides a late one); for
    any other, its earliest date not yet passed. None when there is none.

    A correlated subquery, not an aggregate: PostgreSQL then works it out only for the rows
    shown (a page of the list), instead of grouping every agreement (3 000 after a decade) first.
    """
    today = timezone.localdate()
    signed = Q(pk__in=outstanding_requirements().values("pk"))
    upcoming = ~Q(agreement__status=AgreementStatus.SIGNED) & Q(due_date__gte=today)
    return Subquery(
        ReportingRequirement.objects.filter(signed | upcoming, agreement=OuterRef("pk"))
        .order_by("due_date")
        .values("due_date")[:1]
    )


def count_per_row(rows: QuerySet[Any], via: str) -> Coalesce:
    """Annotation: how many of `rows` point at the annotated row through `via` (0 for none),
    as a correlated subquery worked out only for the rows a page shows."""
    counted = rows.filter(**{via: OuterRef("pk")}).order_by().values(via).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def overdue_report_count() -> Coalesce:
    """Annotation: how many of the agreement's reports are late (försenade)."""
    late = outstanding_requirements().filter(due_date__lt=timezone.localdate())
    return count_per_row(late, "agreement")


def agreement_list(
    *, user: AnyUser, year: int | None = None, status: str = ""
) -> QuerySet[Agreement]:
    """The list page: with each agreement's next reporting date and late reports, in one
    query."""
    qs = agreements_for(user).annotate(
        next_report=next_report_date(), overdue_reports=overdue_report_count()
    )
    if year:
        qs = qs.filter(allocation__programme__budget_year__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-allocation__programme__budget_year__year", "reference")


def allocations_awaiting_agreement(user: AnyUser) -> QuerySet[Allocation]:
    """Decided allocations that have no agreement yet (officials draft from these)."""
    if not is_region_staff(user):
        return Allocation.objects.none()
    return (
        Allocation.objects.filter(status=AllocationStatus.DECIDED, agreement__isnull=True)
        .select_related("partner", "programme__budget_year", "decision")
        .order_by("-programme__budget_year__year", "partner__display_name")
    )


def agreement_detail(*, user: AnyUser, reference: str) -> Agreement | None:
    return (
        with_follow_up(agreements_for(user))
        .select_related("allocation__programme__source", "allocation__decision")
        .prefetch_related(
            "indicators",
            Prefetch("signatures", queryset=Signature.objects.order_by("signed_at")),
            Prefetch(
                "signed_documents", queryset=SignedDocument.objects.order_by("-agreement_version")
            ),
        )
        .filter(reference=reference)
        .first()
    )


@dataclass
class TimelineEntry:
    at: object
    status: str
    actor: str
    reason: str


def agreement_timeline(agreement: Agreement) -> list[TimelineEntry]:
    """The agreement's status changes and its amendments' (tillägg), oldest first, from the
    history."""
    from agreements.models import AgreementStatus, AmendmentStatus

    labels = dict(AgreementStatus.choices)
    amendment_labels = dict(AmendmentStatus.choices)
    events = (
        AuditEvent.objects.for_object(agreement)
        .filter(Q(changes__has_key="status") | Q(action=AuditAction.AMENDMENT_STATUS_CHANGED))
        .select_related("actor")
        .order_by("at", "id")
    )
    entries = []
    for e in events:
        if e.action == AuditAction.AMENDMENT_STATUS_CHANGED:
            key, (_old, new) = next(iter(e.changes.items()))  # "amendment_v2:status"
            status = _("Tillägg, version %(v)s: %(status)s") % {
                "v": key.split(":")[0].removeprefix("amendment_v"),
                "status": amendment_labels.get(new, new),
            }
        else:
            status = str(labels.get(e.changes["status"][1], e.changes["status"][1]))
        actor = e.actor.display_name if e.actor else ""
        entries.append(TimelineEntry(at=e.at, status=status, actor=actor, reason=e.reason))
    return entries


def next_reporting_date(agreement: Agreement) -> date | None:
    """As `next_report_date`, from the agreement's prefetched requirements and reports."""
    today = timezone.localdate()
    requirements = agreement.reporting_requirements.all()
    if agreement.status == AgreementStatus.SIGNED:
        dates = [
            r.due_date
            for r in requirements
            if r.current_report is None or r.current_report.status not in REPORT_DELIVERED
        ]
    else:
        dates = [r.due_date for r in requirements if r.due_date >= today]
    return min(dates, default=None)


@dataclass
class RequirementRow:
    requirement: ReportingRequirement
    report: Report | None
    overdue: bool


def requirement_rows(agreement: Agreement) -> list[RequirementRow]:
    """The agreement's reporting requirements with their reports and whether each is late,
    from the prefetched rows (`agreement_detail`)."""
    today = timezone.localdate()
    rows = []
    for requirement in agreement.reporting_requirements.all():
        rows.append(
            RequirementRow(requirement, requirement.current_report, requirement.is_overdue(today))
        )
    return rows


def requirement_detail(agreement: Agreement, requirement_id: int) -> ReportingRequirement | None:
    """One reporting requirement of an agreement the user may see, with its report, the
    report's values and files, and the agreement's key figures: the report page's data."""
    requirement = (
        ReportingRequirement.objects.filter(agreement=agreement, pk=requirement_id)
        .select_related("report__submitted_by", "report__reviewed_by")
        .first()
    )
    if requirement is None:
        return None
    requirement.agreement = agreement  # already loaded, in the user's scope
    prefetch_related_objects([agreement], "indicators")
    report = requirement.current_report
    if report is not None:
        prefetch_related_objects(
            [report], "values", Prefetch("attachments", queryset=ReportAttachment.objects.all())
        )
    return requirement


def report_history(report: Report | None) -> QuerySet[AuditEvent]:
    if report is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.for_object(report).select_related("actor").order_by("at", "id")


def attachment_for(
    *, user: AnyUser, reference: str, requirement_id: int, pk: int
) -> ReportAttachment | None:
    """A report's file, looked up within what the user may see (another partner's: None)."""
    scope = visible_agreements(user, via="report__requirement__agreement__")
    if scope is None:
        return None
    attachments = ReportAttachment.objects.all()
    if is_region_staff(user):  # a draft is the partner's own until it is handed in
        attachments = attachments.exclude(report__status=ReportStatus.DRAFT)
    return (
        attachments.filter(
            scope,
            pk=pk,
            report__requirement_id=requirement_id,
            report__requirement__agreement__reference=reference,
        )
        .select_related("report__requirement__agreement")
        .order_by()
        .first()
    )


def signed_version(*, user: AnyUser, reference: str, version: int) -> SignedDocument | None:
    """One signed version's sealed PDF, within what the user may see, in one query."""
    scope = visible_agreements(user, via="agreement__")
    if scope is None:
        return None
    documents = (
        SignedDocument.objects.filter(
            scope, agreement__reference=reference, agreement_version=version
        )
        .select_related("agreement")
        .order_by()
    )
    return next(iter(documents[:1]), None)


def signed_versions(agreement: Agreement) -> list[SignedDocument]:
    """Every signed version of the agreement, newest first (the page lists them all). From the
    rows `agreement_detail` prefetched: sorting them here saves the page a second query."""
    return sorted(agreement.signed_documents.all(), key=lambda d: d.agreement_version, reverse=True)


def signed_document(agreement: Agreement) -> SignedDocument | None:
    """The sealed PDF of the agreement's current version, if there is one."""
    return next(
        (d for d in agreement.signed_documents.all() if d.agreement_version == agreement.version),
        None,
    )


def payments_for(
    user: AnyUser, *, year: int | None = None, status: str = ""
) -> QuerySet[Instalment]:
    """The payments page: instalments of agreements signed by both parties (only those can be
    paid), soonest due first, in one query. Officials only; anyone else sees none."""
    if not can_handle_payments(user):
        return Instalment.objects.none()
    qs = Instalment.objects.filter(
        # Discarded before both signed: never payable, not listed.
        Exists(SignedDocument.objects.filter(agreement=OuterRef("agreement"))),
        agreement__status__in=(
            AgreementStatus.SIGNED,
            AgreementStatus.COMPLETED,
            AgreementStatus.TERMINATED,
        ),
    )
    if year:
        qs = qs.filter(agreement__allocation__programme__budget_year__year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related(
        "agreement__partner",
        "agreement__allocation__programme__budget_year",
        "released_by",
        # Soonest due first; on one day by agreement and number. The order an index
        # (instalment_due_order) walks, so a page of a decade of payments reads only its rows.
    ).order_by("due_date", "agreement_id", "number")


def paid_total() -> Coalesce:
    """Annotation: what has been paid out on the agreement (Σ its paid instalments)."""
    paid = (
        Instalment.objects.filter(agreement=OuterRef("pk"), status=InstalmentStatus.PAID)
        .order_by()
        .values("agreement")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid), 0, output_field=DecimalField(max_digits=15, decimal_places=0))


def recoveries_for(user: AnyUser) -> QuerySet[Agreement]:
    """Terminated agreements with an amount to recover (återkrav), soonest due first, with what
    was paid on each: money the partner owes the region, listed apart from payments. Officials
    who handle payments only; anyone else sees none."""
    if not can_handle_payments(user):
        return Agreement.objects.none()
    return (
        Agreement.objects.filter(status=AgreementStatus.TERMINATED, recovery_amount__isnull=False)
        .select_related("partner")
        .annotate(paid=paid_total())
        .order_by("recovery_due_date", "reference")
    )
