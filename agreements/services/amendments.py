"""Amendments (tillägg): drafting, sending, signing and sealing the next version of a signed
agreement (design §3 invariant 6, §4 workflow 9).

Every write locks the agreement first (the order every agreement write takes), then reads the
amendment, so two officials drafting at once queue and the second is told one is open; the
database's partial unique constraint says the same if anything gets past. The region's
signature applies the new terms to the agreement and seals the new version in one transaction.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import notices
from agreements.amendments import (
    carried_instalments,
    carried_requirements,
    describe_changes,
    open_requirements,
    plan_as_data,
    planned_instalments,
    reports_as_data,
)
from agreements.models import (
    AMENDMENT_OPEN,
    Agreement,
    AgreementAmendment,
    AgreementStatus,
    AmendmentStatus,
    InstalmentStatus,
    Party,
    Signature,
    SignedDocument,
)
from agreements.plans import PlannedInstalment, PlannedReport, check_plan, even_payment_plan
from agreements.services.drafting import check_report_numbers
from agreements.services.lifecycle import check_partner_identified, lock, lock_part
from agreements.services.signing import check_may_sign, issue_signed_document, record_signature
from agreements.services.versions import apply_amendment
from audit.actions import AuditAction
from audit.services import record_event
from core.money import ZERO, format_amount
from funding.models import Allocation


def open_amendment(agreement: Agreement) -> AgreementAmendment | None:
    return (
        AgreementAmendment.objects.filter(agreement=agreement, status__in=AMENDMENT_OPEN)
        .select_related("replaces")
        .first()
    )


def _lock(amendment: AgreementAmendment) -> tuple[Agreement, AgreementAmendment]:
    locked = lock_part(amendment, AgreementAmendment.objects.select_related("replaces"))
    return locked.agreement, locked


def _transition(
    amendment: AgreementAmendment, to: str, *, by: User | None, reason: str = ""
) -> AgreementAmendment:
    if not amendment.can_become(to):
        raise ValidationError(
            _("Ett tillägg med status %(from)s kan inte bli %(to)s.")
            % {"from": amendment.get_status_display(), "to": AmendmentStatus(to).label},
            code="illegal_transition",
        )
    old = amendment.status
    amendment.status = to
    amendment.save(update_fields=["status", "updated_at"])
    record_event(
        action=AuditAction.AMENDMENT_STATUS_CHANGED,
        target=amendment.agreement,
        by=by,
        changes={f"amendment_v{amendment.version}:status": (old, to)},
        reason=reason,
    )
    return amendment


def _default_plan(agreement: Agreement, amount: Decimal) -> list[PlannedInstalment]:
    """What is left to pay, spread over the planned dates as they are (their report ties
    kept); when none is planned, one instalment today (within the period)."""
    left = amount - sum((i.amount for i in carried_instalments(agreement)), ZERO)
    if left <= 0:
        return []
    planned = list(agreement.instalments.filter(status=InstalmentStatus.PLANNED).order_by("number"))
    positions = {
        r.pk: n
        for n, r in enumerate(
            sorted(
                carried_requirements(agreement) + open_requirements(agreement),
                key=lambda r: (r.due_date, r.pk),
            ),
            start=1,
        )
    }
    if not planned:
        day = min(max(timezone.localdate(), agreement.period_start), agreement.period_end)
        return even_payment_plan(left, [day])
    plan = even_payment_plan(left, [i.due_date for i in planned])
    return [
        PlannedInstalment(
            due_date=p.due_date,
            amount=p.amount,
            after_report=positions.get(i.after_report_id or 0),
        )
        for p, i in zip(plan, planned, strict=True)
    ]


@transaction.atomic
def draft_amendment(*, agreement: Agreement, reason: str, by: User | None) -> AgreementAmendment:
    """Start the next version from the one in force, with the allocation's decided amount."""
    agreement = lock(agreement)
    if agreement.status != AgreementStatus.SIGNED:
        raise ValidationError(
            _("Bara en gällande, underskriven överenskommelse kan ändras genom ett tillägg.")
        )
    if (current := open_amendment(agreement)) is not None:
        raise ValidationError(
            _("%(ref)s har redan ett tillägg (version %(v)s) som inte är klart.")
            % {"ref": agreement.reference, "v": current.version},
            code="amendment_open",
        )
    document = SignedDocument.objects.get(agreement=agreement, agreement_version=agreement.version)
    allocation = Allocation.objects.get(pk=agreement.allocation_id)
    amendment = AgreementAmendment(
        agreement=agreement,
        version=agreement.version + 1,
        replaces=document,
        reason=reason,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        amount=allocation.amount,
        purpose=agreement.purpose,
        conditions=agreement.conditions,
        instalments=plan_as_data(_default_plan(agreement, allocation.amount)),
        reports=reports_as_data(
            [
                PlannedReport(description=r.description, due_date=r.due_date)
                for r in open_requirements(agreement)
            ]
        ),
        created_by=by if by is not None and by.pk else None,
    )
    amendment.full_clean(exclude=["agreement", "replaces", "created_by"])
    try:
        with transaction.atomic():
            amendment.save()
    except IntegrityError:  # the partial unique constraint: someone was quicker
        raise ValidationError(
            _("%(ref)s har redan ett tillägg som inte är klart.") % {"ref": agreement.reference},
            code="amendment_open",
        ) from None
    record_event(
        action=AuditAction.AMENDMENT_DRAFTED,
        target=agreement,
        by=by,
        changes={"amendment": (None, amendment.version), "amount": (None, amendment.amount)},
        reason=reason,
    )
    return amendment


def check_amendment(agreement: Agreement, amendment: AgreementAmendment) -> None:
    """The rules a new version keeps, against the agreement as it is now (payments may have
    been released since the amendment was drafted)."""
    allocation = Allocation.objects.get(pk=agreement.allocation_id)
    if amendment.amount != allocation.amount:
        raise ValidationError(
            {
                "amount": _(
                    "Tilläggets belopp (%(a)s) är inte fördelningens beslutade belopp (%(b)s)."
                )
                % {"a": format_amount(amendment.amount), "b": format_amount(allocation.amount)}
            }
        )
    carried = sum((i.amount for i in carried_instalments(agreement)), ZERO)
    if carried > amendment.amount:
        raise ValidationError(
            {
                "amount": _(
                    "Redan attesterat eller utbetalt (%(paid)s) är mer än det nya beloppet "
                    "(%(amount)s). Häv överenskommelsen med återkrav i stället."
                )
                % {"paid": format_amount(carried), "amount": format_amount(amendment.amount)}
            }
        )
    plan = planned_instalments(amendment)
    check_plan(amendment, plan, carried=carried)
    check_report_numbers(
        plan, reports=len(carried_requirements(agreement)) + len(amendment.reports)
    )


@transaction.atomic
def revise_amendment(
    *,
    amendment: AgreementAmendment,
    reason: str,
    period_start: date,
    period_end: date,
    purpose: str,
    conditions: str,
    instalments: Sequence[PlannedInstalment],
    reports: Sequence[PlannedReport],
    by: User | None,
) -> AgreementAmendment:
    """Save a draft amendment: all or nothing, checked as it will be sent."""
    agreement, amendment = _lock(amendment)
    if not amendment.terms_editable:
        raise ValidationError(_("Bara ett tillägg som är ett utkast kan ändras."))
    before = _snapshot(amendment)
    amendment.reason = reason
    amendment.period_start, amendment.period_end = period_start, period_end
    amendment.purpose, amendment.conditions = purpose, conditions
    amendment.instalments = plan_as_data(list(instalments))
    amendment.reports = reports_as_data(list(reports))
    amendment.full_clean(exclude=["agreement", "replaces", "created_by"])
    check_amendment(agreement, amendment)
    amendment.save()
    after = _snapshot(amendment)
    changes = {k: (before[k], after[k]) for k in after if before[k] != after[k]}
    if changes:
        record_event(
            action=AuditAction.AMENDMENT_CHANGED,
            target=agreement,
            by=by,
            changes={f"amendment_v{amendment.version}:{k}": v for k, v in changes.items()},
        )
    return amendment


def _snapshot(amendment: AgreementAmendment) -> dict[str, object]:
    return {
        "reason": amendment.reason,
        "period_start": str(amendment.period_start),
        "period_end": str(amendment.period_end),
        "purpose": amendment.purpose,
        "conditions": amendment.conditions,
        "instalments": amendment.instalments,
        "reports": amendment.reports,
    }


@transaction.atomic
def send_amendment(*, amendment: AgreementAmendment, by: User | None) -> AgreementAmendment:
    agreement, amendment = _lock(amendment)
    if agreement.status != AgreementStatus.SIGNED:
        raise ValidationError(_("Överenskommelsen är inte längre gällande."))
    check_amendment(agreement, amendment)
    check_partner_identified(agreement)
    if not describe_changes(agreement, amendment):
        raise ValidationError(_("Tillägget ändrar ingenting i överenskommelsen."))
    _transition(amendment, AmendmentStatus.SENT, by=by)
    notices.amendment_sent(amendment)
    return amendment


@transaction.atomic
def withdraw_amendment(*, amendment: AgreementAmendment, by: User | None) -> AgreementAmendment:
    """Back to a draft, for changes; only before the partner has signed."""
    _agreement, amendment = _lock(amendment)
    return _transition(amendment, AmendmentStatus.DRAFT, by=by, reason=_("Återkallat för ändring"))


@transaction.atomic
def discard_amendment(
    *, amendment: AgreementAmendment, reason: str, by: User | None
) -> AgreementAmendment:
    """Discard (makulera) an amendment no one has finished signing; the version in force
    stays as it is."""
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till att tillägget makuleras.")})
    _agreement, amendment = _lock(amendment)
    if not amendment.can_become(AmendmentStatus.DISCARDED):
        raise ValidationError(_("Ett underskrivet tillägg kan inte makuleras."))
    amendment.discard_reason = reason
    amendment.full_clean(exclude=["agreement", "replaces", "created_by"])
    amendment.save(update_fields=["discard_reason", "updated_at"])
    return _transition(amendment, AmendmentStatus.DISCARDED, by=by, reason=reason)


@transaction.atomic
def sign_amendment(
    *,
    amendment: AgreementAmendment,
    party: str,
    by: User,
    signed_at: datetime | None = None,
) -> Signature:
    """One party's signature on the new version; the partner first, then the region, whose
    signature applies the new terms and seals the new version's PDF."""
    agreement, amendment = _lock(amendment)
    expected, _to = check_may_sign(agreement, party, by)
    # The partner signs a sent amendment, the region one the partner has signed.
    expected_amendment = (
        AmendmentStatus.SENT if expected == AgreementStatus.SENT else AmendmentStatus.PARTNER_SIGNED
    )
    if amendment.status != expected_amendment or agreement.status != AgreementStatus.SIGNED:
        raise ValidationError(
            _("Tillägget kan inte skrivas under nu (status: %(status)s).")
            % {"status": amendment.get_status_display()},
            code="illegal_transition",
        )
    if party == Party.REGION:
        check_amendment(agreement, amendment)  # payments released since it was sent?
    signature = record_signature(
        agreement,
        version=amendment.version,
        party=party,
        by=by,
        signed_at=signed_at,
    )
    if party == Party.PARTNER:
        _transition(amendment, AmendmentStatus.PARTNER_SIGNED, by=by)
        notices.amendment_partner_signed(amendment)
        return signature
    apply_amendment(agreement, amendment, by=by)
    _transition(amendment, AmendmentStatus.SIGNED, by=by)
    issue_signed_document(agreement, by=by, amendment=amendment)
    notices.agreement_signed(agreement)
    return signature
