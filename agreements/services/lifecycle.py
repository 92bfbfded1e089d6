"""The agreement's lifecycle: `agreements.models.TRANSITIONS`; `transition` is the only place
that changes an agreement's status, and it writes the history."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import notices
from agreements.models import (
    AMENDMENT_OPEN,
    Agreement,
    AgreementAmendment,
    AgreementStatus,
    AmendmentStatus,
    Instalment,
    InstalmentStatus,
    ReportingRequirement,
    ReportStatus,
)
from agreements.plans import PlannedInstalment, check_plan
from agreements.services.terms import terms_for_sending
from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import audited_set, record_event
from core.money import ZERO, format_amount, is_whole_kronor
from funding.models import Allocation


def lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partner")
        .get(pk=agreement.pk)
    )


def lock_part[P: (AgreementAmendment, Instalment)](part: P, rows: QuerySet[P]) -> P:
    """Lock the agreement `part` belongs to, then `part`, read from `rows` (the order every
    agreement write takes); the locked part carries the locked agreement."""
    agreement = lock(part.agreement)
    locked = rows.select_for_update(of=("self",)).get(pk=part.pk)
    locked.agreement = agreement
    return locked


def touch(agreement: Agreement) -> None:
    """Mark the agreement changed when its payments or reports change (the API's
    `updated_since` and the lists' freshness read `updated_at`)."""
    Agreement.objects.filter(pk=agreement.pk).update(updated_at=timezone.now())


def check_can_become(agreement: Agreement, to: str) -> None:
    """Refuse a move the lifecycle (TRANSITIONS) does not have, saying from what to what."""
    if not agreement.can_become(to):
        raise ValidationError(
            _("En överenskommelse med status %(from)s kan inte bli %(to)s.")
            % {
                "from": agreement.get_status_display(),
                "to": AgreementStatus(to).label,
            },
            code="illegal_transition",
        )


def transition(
    agreement: Agreement,
    to: str,
    *,
    by: User | None,
    reason: str = "",
    values: Mapping[str, Any] | None = None,
) -> Agreement:
    """Move the agreement to `to` and write the history. `values` are fields the database
    allows only together with the new status (a reason, an amount to recover): set, checked
    (`full_clean`) and saved in the same row update."""
    check_can_become(agreement, to)
    values = values or {}
    for name, value in values.items():
        setattr(agreement, name, value)
    if values:
        agreement.full_clean(validate_unique=False, validate_constraints=False)
    audited_set(
        agreement,
        values={"status": to},
        action=AuditAction.AGREEMENT_STATUS_CHANGED,
        by=by,
        reason=reason,
        save_also=["updated_at", *values],
    )
    return agreement


def follow_up_left(agreement: Agreement) -> list[str]:
    """What must happen before a signed agreement can be completed, in words (none: done).

    Reads the agreement's requirements and instalments through their managers, so a page that
    prefetched them (with the reports) asks the database nothing more.
    """
    left = []
    if any(
        r.current_report is None or r.current_report.status != ReportStatus.APPROVED
        for r in agreement.reporting_requirements.all()
    ):
        left.append(str(_("alla återrapporter är godkända")))
    if any(i.status != InstalmentStatus.PAID for i in agreement.instalments.all()):
        left.append(str(_("alla utbetalningar är gjorda")))
    return left


@transaction.atomic
def send_for_signing(*, agreement: Agreement, by: User | None) -> Agreement:
    agreement = lock(agreement)
    allocation = Allocation.objects.select_related("decision").get(pk=agreement.allocation_id)
    if (
        not allocation.is_decided
        or allocation.decision is None
        or not allocation.decision.is_decided
    ):
        raise ValidationError(_("Överenskommelsen kan skickas först när fördelningen är beslutad."))
    if agreement.amount != allocation.amount:
        raise ValidationError(
            _("Överenskommelsens belopp (%(a)s) är inte det beslutade (%(b)s).")
            % {"a": format_amount(agreement.amount), "b": format_amount(allocation.amount)}
        )
    plan = [
        PlannedInstalment(due_date=i.due_date, amount=i.amount) for i in agreement.instalments.all()
    ]
    check_plan(agreement, plan)
    check_partner_identified(agreement)
    # What the partner is asked to sign is fixed now (issue 19): the standard terms in force
    # and, unless one is named, the official who sends it as the region's contact person.
    agreement.standard_terms = terms_for_sending()
    if agreement.region_contact_id is None and by is not None and by.is_region_staff:
        agreement.region_contact = by
    agreement.save(update_fields=["standard_terms", "region_contact", "updated_at"])
    agreement = transition(agreement, AgreementStatus.SENT, by=by)
    notices.agreement_sent(agreement)
    return agreement


def check_partner_identified(agreement: Agreement) -> None:
    """An issued agreement names its counterparty by organisation number (issue 19): never
    send one whose partner has none, rather than print that it is missing."""
    if not agreement.partner.organisation_number:
        raise ValidationError(
            _(
                "%(partner)s saknar organisationsnummer. Lägg in det på partnerns sida innan "
                "överenskommelsen skickas för underskrift."
            )
            % {"partner": agreement.partner.legal_name},
            code="partner_without_organisation_number",
        )


@transaction.atomic
def withdraw_from_signing(*, agreement: Agreement, by: User | None, reason: str) -> Agreement:
    agreement = lock(agreement)
    agreement = transition(agreement, AgreementStatus.DRAFT, by=by, reason=reason)
    notices.agreement_withdrawn(agreement)
    return agreement


@transaction.atomic
def complete_agreement(*, agreement: Agreement, by: User | None, reason: str = "") -> Agreement:
    """Close a signed agreement whose every report is approved and every instalment paid."""
    agreement = lock(agreement)
    # The requirements with their reports and the instalments in two queries, not one a row.
    prefetch_related_objects(
        [agreement],
        Prefetch("reporting_requirements", ReportingRequirement.objects.select_related("report")),
        "instalments",
    )
    if agreement.can_become(AgreementStatus.COMPLETED) and (left := follow_up_left(agreement)):
        raise ValidationError(
            _("Överenskommelsen kan avslutas när %(left)s.")
            % {"left": get_text_list(left, _("och"))},
            code="follow_up_left",
        )
    return transition(agreement, AgreementStatus.COMPLETED, by=by, reason=reason)


def _was_sent(agreement: Agreement) -> bool:
    """Whether the partner was ever given the agreement to sign (it may since be a draft again)."""
    return (
        agreement.status != AgreementStatus.DRAFT
        or AuditEvent.objects.for_object(agreement)
        .filter(changes__status__1=AgreementStatus.SENT)
        .exists()
    )


@transaction.atomic
def discard_agreement(*, agreement: Agreement, by: User | None, reason: str) -> Agreement:
    """Discard (makulera) an agreement that is not yet in force: a draft, or one sent for
    signing that the region has not signed. Nothing was agreed, so nothing is recovered; the
    partner is told if it had been sent to them.

    The discarded agreement keeps its allocation (one agreement per allocation): a new
    agreement for the same allocation is not possible yet.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till att överenskommelsen makuleras.")})
    agreement = lock(agreement)
    check_can_become(agreement, AgreementStatus.DISCARDED)
    tell_partner = _was_sent(agreement)
    agreement = transition(
        agreement,
        AgreementStatus.DISCARDED,
        by=by,
        reason=reason,
        values={"discard_reason": reason},
    )
    if tell_partner:
        notices.agreement_discarded(agreement)
    return agreement


def amount_paid(agreement: Agreement) -> Decimal:
    """What has been paid out on the agreement: the sum of its paid instalments."""
    total = agreement.instalments.filter(status=InstalmentStatus.PAID).aggregate(t=Sum("amount"))
    return total["t"] or ZERO


def _recovery_errors(
    agreement: Agreement, amount: Decimal | None, due: date | None
) -> dict[str, str]:
    """What is wrong with the amount to recover and its due date, by field (none: fine).

    Design §4 workflow 9: where money was paid for a period not delivered, the amount to
    recover; it cannot be more than was paid, and the partner is given a date to pay by.
    """
    errors = {}
    if amount is not None and amount < 0:
        errors["recovery_amount"] = _("Beloppet att återkräva kan inte vara negativt.")
    elif amount is not None and not is_whole_kronor(amount):
        errors["recovery_amount"] = _("Beloppet att återkräva anges i hela kronor.")
    elif amount and due is None:
        errors["recovery_due_date"] = _("Ange sista dag att betala tillbaka återkravet.")
    elif not amount and due is not None:
        errors["recovery_amount"] = _(
            "Ange beloppet att återkräva, eller ta bort sista dagen för återbetalning."
        )
    elif amount and amount > (paid := amount_paid(agreement)):
        errors["recovery_amount"] = _(
            "Återkravet (%(amount)s) kan inte vara större än det som har betalats ut (%(paid)s)."
        ) % {"amount": format_amount(amount), "paid": format_amount(paid)}
    if due is not None and due < timezone.localdate():
        errors["recovery_due_date"] = _("Sista dagen för återbetalning kan inte ha passerat.")
    return errors


@transaction.atomic
def terminate_agreement(
    *,
    agreement: Agreement,
    by: User | None,
    reason: str,
    recovery_amount: Decimal | None = None,
    recovery_due_date: date | None = None,
) -> Agreement:
    """Terminate (häva) a signed agreement, with a reason and, where money was paid for a
    period not delivered, the amount to recover (återkrav) and the day it is due.

    The amount is checked against what was paid in this transaction, with the agreement
    locked: booking a payment locks it too, so the sum cannot move underneath.
    An agreement not yet in force is discarded instead (`discard_agreement`).
    """
    if isinstance(recovery_amount, float):
        raise TypeError("money is never float")
    if recovery_amount == 0:
        recovery_amount = None  # nothing to recover
    agreement = lock(agreement)
    check_can_become(agreement, AgreementStatus.TERMINATED)
    errors = _recovery_errors(agreement, recovery_amount, recovery_due_date)
    if not reason.strip():
        errors["reason"] = _("Ange skälet till att överenskommelsen hävs.")
    if errors:
        raise ValidationError(errors)
    agreement = transition(
        agreement,
        AgreementStatus.TERMINATED,
        by=by,
        reason=reason,
        values={
            "termination_reason": reason,
            "recovery_amount": recovery_amount,
            "recovery_due_date": recovery_due_date,
        },
    )
    if recovery_amount is not None:
        record_event(
            action=AuditAction.AGREEMENT_RECOVERY_SET,
            target=agreement,
            by=by,
            changes={
                "recovery_amount": (None, recovery_amount),
                "recovery_due_date": (None, recovery_due_date),
            },
            reason=reason,
        )
    _discard_open_amendment(agreement, by=by)
    notices.agreement_terminated(agreement)
    return agreement


def _discard_open_amendment(agreement: Agreement, *, by: User | None) -> None:
    """An amendment not yet signed by both ends with the agreement it would have changed."""
    for amendment in agreement.amendments.select_for_update().filter(status__in=AMENDMENT_OPEN):
        reason = _("Överenskommelsen hävdes.")
        old, amendment.status, amendment.discard_reason = (
            amendment.status,
            AmendmentStatus.DISCARDED,
            reason,
        )
        amendment.save(update_fields=["status", "discard_reason", "updated_at"])
        record_event(
            action=AuditAction.AMENDMENT_STATUS_CHANGED,
            target=agreement,
            by=by,
            changes={f"amendment_v{amendment.version}:status": (old, amendment.status)},
            reason=reason,
        )
