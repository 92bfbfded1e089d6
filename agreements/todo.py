"""What each user must do next (design §4 workflow 10): the start pages' selectors.

A partner user sees, per agreement, what to do now (sign, write or complete a report, late ones
first), the next payment and what has been paid. An official sees what waits for the region:
signatures, reports to review, late reports, instalments to release or book, decided
allocations without an agreement. Each is a fixed number of queries, whatever the number of
agreements (the lists are cut at TODO_LIST_LIMIT, the counts are exact).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.permissions import AnyUser
from agreements.models import (
    AMENDMENT_AWAITING_SIGNATURES,
    Agreement,
    AgreementAmendment,
    AgreementStatus,
    AmendmentStatus,
    Instalment,
    InstalmentStatus,
    Report,
    ReportingRequirement,
    ReportStatus,
)
from agreements.permissions import can_handle_payments, can_sign_as_partner, can_sign_for_region
from agreements.selectors import (
    agreements_for,
    allocations_awaiting_agreement,
    outstanding_requirements,
    payments_for,
    with_follow_up,
)
from core.money import ZERO, format_amount

TODO_LIST_LIMIT = 20
# Ended early: a planned instalment of these is never paid (a released one may still be booked).
ENDED = frozenset({AgreementStatus.TERMINATED, AgreementStatus.DISCARDED})
NOT_PAID = (InstalmentStatus.PLANNED, InstalmentStatus.RELEASED)


@dataclass
class Step:
    """One thing to do, with where to do it."""

    label: str
    url: str
    due: date | None = None
    overdue: bool = False
    is_example_data: bool = False  # about invented demo data: labelled Exempeldata


@dataclass
class AgreementCard:
    agreement: Agreement
    url: str
    steps: list[Step] = field(default_factory=list)
    waiting: str = ""  # what the partner waits for, when nothing is theirs to do
    next_payment: Instalment | None = None
    paid: Decimal = ZERO


def _report_steps(agreement: Agreement, today: date) -> list[Step]:
    steps = []
    for requirement in agreement.reporting_requirements.all():
        report = requirement.current_report
        url = reverse("agreements:report", args=[agreement.reference, requirement.pk])
        if report is not None and report.status == ReportStatus.RETURNED:
            label = _("Komplettera återrapporten: %(what)s") % {"what": requirement.description}
        elif report is None or report.status == ReportStatus.DRAFT:
            label = _("Skriv återrapporten: %(what)s") % {"what": requirement.description}
        else:
            continue
        steps.append(Step(label, url, requirement.due_date, requirement.is_overdue(today)))
    # Late ones first, then by date: "what to do next" never hides a late report.
    return sorted(steps, key=lambda s: (not s.overdue, s.due or today))


def _amendment_steps(user: AnyUser, agreement: Agreement) -> list[Step]:
    """An amendment sent to the partner: its signatory signs it (read `awaiting_amendments`,
    prefetched by `partner_start`)."""
    return [
        Step(
            _("Skriv under tillägget (version %(v)s)") % {"v": a.version},
            reverse("agreements:amendment_sign", args=[agreement.reference]),
        )
        for a in agreement.awaiting_amendments  # type: ignore[attr-defined]
        if a.status == AmendmentStatus.SENT and can_sign_as_partner(user, agreement)
    ]


def _amendment_waiting(agreement: Agreement) -> str:
    for a in agreement.awaiting_amendments:  # type: ignore[attr-defined]
        if a.status == AmendmentStatus.SENT:
            return _("Ett tillägg väntar på att er firmatecknare skriver under.")
        return _("Tillägget väntar på regionens underskrift.")
    return ""


def _card(user: AnyUser, agreement: Agreement, today: date) -> AgreementCard:
    card = AgreementCard(agreement, reverse("agreements:detail", args=[agreement.reference]))
    if agreement.status == AgreementStatus.SENT:
        if can_sign_as_partner(user, agreement):
            card.steps.append(
                Step(
                    _("Skriv under överenskommelsen"),
                    reverse("agreements:sign", args=[agreement.reference]),
                )
            )
        else:
            card.waiting = _("Väntar på att er firmatecknare skriver under.")
    elif agreement.status == AgreementStatus.PARTNER_SIGNED:
        card.waiting = _("Väntar på regionens underskrift.")
    elif agreement.status == AgreementStatus.SIGNED:
        card.steps = _amendment_steps(user, agreement) + _report_steps(agreement, today)
        if not card.steps:
            card.waiting = _amendment_waiting(agreement) or _("Inget att göra just nu.")
    elif agreement.status == AgreementStatus.DRAFT:
        card.waiting = _("Regionen förbereder överenskommelsen.")
    elif agreement.status == AgreementStatus.COMPLETED:
        card.waiting = _("Avslutad: allt är rapporterat och utbetalt.")
    elif agreement.status == AgreementStatus.TERMINATED:
        if agreement.recovery_amount is not None and agreement.recovery_due_date is not None:
            card.waiting = _("Hävd. Återkrav: %(amount)s senast %(due)s.") % {
                "amount": format_amount(agreement.recovery_amount),
                "due": date_format(agreement.recovery_due_date),
            }
        else:
            card.waiting = _("Hävd: inget mer betalas ut.")
    elif agreement.status == AgreementStatus.DISCARDED:
        card.waiting = _("Makulerad: överenskommelsen trädde aldrig i kraft.")
    instalments = list(agreement.instalments.all())
    card.paid = sum((i.amount for i in instalments if i.status == InstalmentStatus.PAID), ZERO)
    # An ended agreement pays only what was already released; a planned instalment never.
    unpaid = (InstalmentStatus.RELEASED,) if agreement.status in ENDED else NOT_PAID
    card.next_payment = next((i for i in instalments if i.status in unpaid), None)
    return card


def partner_start(user: AnyUser) -> list[AgreementCard]:
    """The partner's agreements, newest year first, each with what to do now."""
    today = timezone.localdate()
    agreements = (
        with_follow_up(agreements_for(user))
        .select_related("allocation__decision")
        .prefetch_related(
            Prefetch(
                "amendments",
                AgreementAmendment.objects.filter(status__in=AMENDMENT_AWAITING_SIGNATURES),
                to_attr="awaiting_amendments",
            )
        )
        .order_by("-period_start", "reference")
    )
    cards = [_card(user, a, today) for a in agreements]
    # Agreements with something to do first, late ones before the rest.
    return sorted(
        cards,
        key=lambda c: (not any(s.overdue for s in c.steps), not c.steps),
    )


@dataclass
class TodoItem:
    label: str
    count: int
    url: str
    rows: list[Step] = field(default_factory=list)


def releasable(user: AnyUser) -> QuerySet[Instalment]:
    """Planned instalments an official may release today: the agreement signed, due within the
    release window or past due, and any report they wait for approved."""
    window = timezone.localdate() + timedelta(days=settings.PAYMENT_RELEASE_WINDOW_DAYS)
    approved = Report.objects.filter(
        requirement=OuterRef("after_report"), status=ReportStatus.APPROVED
    )
    return payments_for(user, status=InstalmentStatus.PLANNED).filter(
        Q(after_report__isnull=True) | Exists(approved),
        agreement__status=AgreementStatus.SIGNED,
        due_date__lte=window,
    )


def _report_rows(requirements: QuerySet[ReportingRequirement]) -> list[Step]:
    today = timezone.localdate()
    rows = []
    for r in requirements.select_related("agreement__partner")[:TODO_LIST_LIMIT]:
        rows.append(
            Step(
                f"{r.agreement.partner.display_name}: {r.description}",
                reverse("agreements:report", args=[r.agreement.reference, r.pk]),
                r.due_date,
                r.due_date < today,
                r.agreement.is_example_data,
            )
        )
    return rows


def official_todo(user: AnyUser) -> list[TodoItem]:
    """The official's "Att göra": each kind of waiting work with its count and a link."""
    today = timezone.localdate()
    agreements = agreements_for(user)
    items = []
    if can_sign_for_region(user):
        items.append(
            TodoItem(
                _("Överenskommelser att skriva under för regionen"),
                agreements.filter(status=AgreementStatus.PARTNER_SIGNED).count(),
                reverse("agreements:index") + f"?status={AgreementStatus.PARTNER_SIGNED}",
            )
        )
    if can_sign_for_region(user):
        amendments = (
            AgreementAmendment.objects.filter(
                agreement__in=agreements, status=AmendmentStatus.PARTNER_SIGNED
            )
            .select_related("agreement__partner")
            .order_by("updated_at", "pk")
        )
        items.append(
            TodoItem(
                _("Tillägg att skriva under för regionen"),
                amendments.count(),
                "#tillagg",
                [
                    Step(
                        _("%(partner)s: tillägg till %(ref)s (version %(v)s)")
                        % {
                            "partner": a.agreement.partner.display_name,
                            "ref": a.agreement.reference,
                            "v": a.version,
                        },
                        reverse("agreements:amendment", args=[a.agreement.reference]),
                        is_example_data=a.agreement.is_example_data,
                    )
                    for a in amendments[:TODO_LIST_LIMIT]
                ],
            )
        )
    to_review = ReportingRequirement.objects.filter(
        agreement__in=agreements, report__status=ReportStatus.SUBMITTED
    ).order_by("report__submitted_at", "pk")
    items.append(
        TodoItem(
            _("Inlämnade återrapporter att granska"),
            to_review.count(),
            "#granska",
            _report_rows(to_review),
        )
    )
    late = (
        outstanding_requirements()
        .filter(agreement__in=agreements, due_date__lt=today)
        .order_by("due_date", "pk")
    )
    items.append(
        TodoItem(_("Försenade återrapporter"), late.count(), "#forsenade", _report_rows(late))
    )
    if can_handle_payments(user):
        items.append(
            TodoItem(
                _("Utbetalningar att attestera"),
                releasable(user).count(),
                reverse("payments:index") + f"?status={InstalmentStatus.PLANNED}",
            )
        )
        items.append(
            TodoItem(
                _("Attesterade utbetalningar att bokföra som betalda"),
                payments_for(user, status=InstalmentStatus.RELEASED).count(),
                reverse("payments:index") + f"?status={InstalmentStatus.RELEASED}",
            )
        )
    items.append(
        TodoItem(
            _("Beslutade fördelningar utan överenskommelse"),
            allocations_awaiting_agreement(user).count(),
            reverse("agreements:index") + "#awaiting-heading",
        )
    )
    return items
