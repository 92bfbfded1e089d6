"""Paying an agreement's instalments: planned → released (attested by an official) → paid.

Design §3 (Instalment status) and §4 workflow 8. The rules are checked here, after locking the
agreement and then the instalment (the order every agreement write takes), so two officials
releasing the same instalment at once queue, and the second is told it is already released.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import notices
from agreements.models import (
    AMENDMENT_AWAITING_SIGNATURES,
    AgreementStatus,
    Instalment,
    InstalmentStatus,
    Report,
    ReportStatus,
)
from agreements.permissions import can_handle_payments
from agreements.services.lifecycle import lock_part, touch
from audit.actions import AuditAction
from audit.services import record_event
from core.money import format_amount


def _lock(instalment: Instalment) -> Instalment:
    return lock_part(instalment, Instalment.objects.select_related("after_report"))


def _check_may_handle(by: User | None) -> None:
    if by is not None and not can_handle_payments(by):
        raise ValidationError(_("Bara regionens handläggare kan hantera utbetalningar."))


@transaction.atomic
def release_instalment(
    *, instalment: Instalment, by: User | None, on: date | None = None
) -> Instalment:
    """Attest a planned instalment for payment.

    Refused unless the agreement is signed by both parties (and not terminated), the partner has
    valid payment details, the report the instalment is tied to (if any) is approved, and the
    instalment is due within PAYMENT_RELEASE_WINDOW_DAYS or past due.
    """
    _check_may_handle(by)
    instalment = _lock(instalment)
    agreement, today = instalment.agreement, on or timezone.localdate()
    if not instalment.can_become(InstalmentStatus.RELEASED):
        raise ValidationError(
            _("Utbetalning %(n)s är redan %(status)s.")
            % {"n": instalment.number, "status": instalment.get_status_display().lower()},
            code="not_planned",
        )
    if agreement.status != AgreementStatus.SIGNED:
        raise ValidationError(
            _("Bara en underskriven överenskommelse kan betalas ut (den är %(status)s).")
            % {"status": agreement.get_status_display().lower()},
            code="not_signed",
        )
    # An amendment out for signature replaces the planned payments: they wait for it.
    pending = agreement.amendments.filter(status__in=AMENDMENT_AWAITING_SIGNATURES).first()
    if pending is not None:
        raise ValidationError(
            _(
                "Ett tillägg (version %(v)s) väntar på underskrift och ersätter de planerade "
                "utbetalningarna. Attestera när det är underskrivet eller återkallat."
            )
            % {"v": pending.version},
            code="amendment_pending",
        )
    if not agreement.partner.has_payment_details:
        raise ValidationError(
            _("%(partner)s saknar giltigt bankgiro- eller plusgironummer.")
            % {"partner": agreement.partner.legal_name},
            code="no_payment_details",
        )
    # Tied to a report: paid only after that report is approved. The agreement is locked, and
    # approving a report locks it too, so this reads a settled answer (design §3).
    tied = instalment.after_report
    if (
        tied is not None
        and not Report.objects.filter(requirement=tied, status=ReportStatus.APPROVED).exists()
    ):
        raise ValidationError(
            _("Utbetalning %(n)s betalas när återrapporten ”%(report)s” är godkänd.")
            % {"n": instalment.number, "report": tied.description},
            code="report_not_approved",
        )
    window = timedelta(days=settings.PAYMENT_RELEASE_WINDOW_DAYS)
    if instalment.due_date > today + window:
        raise ValidationError(
            _("Utbetalningen ska ske %(due)s och kan attesteras tidigast %(earliest)s.")
            % {
                "due": date_format(instalment.due_date),
                "earliest": date_format(instalment.due_date - window),
            },
            code="not_due",
        )
    instalment.status = InstalmentStatus.RELEASED
    instalment.released_on = today
    instalment.released_by = by
    instalment.save(update_fields=["status", "released_on", "released_by"])
    touch(agreement)
    record_event(
        action=AuditAction.INSTALMENT_RELEASED,
        target=instalment,
        by=by,
        changes={"status": (InstalmentStatus.PLANNED, InstalmentStatus.RELEASED)},
        # Released on a stated day (the demo's story): the history says that day.
        at=None if on is None else _noon(on),
    )
    return instalment


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def book_instalment_paid(
    *,
    instalment: Instalment,
    paid_on: date,
    by: User | None,
    finance_reference: str = "",
    booked_at: datetime | None = None,
) -> Instalment:
    """Record that the finance system paid a released instalment (date, and its reference)."""
    _check_may_handle(by)
    instalment = _lock(instalment)
    if not instalment.can_become(InstalmentStatus.PAID):
        raise ValidationError(
            _("Bara en attesterad utbetalning kan bokas som betald."), code="not_released"
        )
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("Utbetalningsdagen kan inte ligga i framtiden.")})
    if instalment.released_on is not None and paid_on < instalment.released_on:
        raise ValidationError(
            {
                "paid_on": _("Utbetalningsdagen kan inte vara före attesten (%(on)s).")
                % {"on": date_format(instalment.released_on)}
            }
        )
    reference = finance_reference.strip()
    instalment.status = InstalmentStatus.PAID
    instalment.paid_on = paid_on
    instalment.finance_reference = reference
    instalment.full_clean()  # the reference's own validators (single line, length)
    instalment.save(update_fields=["status", "paid_on", "finance_reference"])
    touch(instalment.agreement)
    record_event(
        action=AuditAction.INSTALMENT_PAID,
        target=instalment,
        by=by,
        changes={
            "status": (InstalmentStatus.RELEASED, InstalmentStatus.PAID),
            "paid_on": (None, paid_on),
        },
        reason=reference,
        at=booked_at,
    )
    notices.instalment_paid(instalment)
    return instalment


@dataclass(frozen=True)
class PaidRow:
    """One row of the finance system's file of payments made."""

    line: int
    reference: str
    number: int
    paid_on: date
    finance_reference: str = ""
    amount: Decimal | None = None  # when the file says it: must be the instalment's


@transaction.atomic
def book_paid_rows(*, rows: Sequence[PaidRow], by: User | None) -> list[Instalment]:
    """Book every row as paid, or none: a file with a wrong row changes nothing, and the
    error names each wrong row by its line in the file."""
    _check_may_handle(by)
    found = {
        (i.agreement.reference, i.number): i
        for i in Instalment.objects.filter(
            agreement__reference__in={r.reference for r in rows}
        ).select_related("agreement")
    }
    booked, errors = [], []
    for row in rows:
        instalment = found.get((row.reference, row.number))
        if instalment is None:
            errors.append(
                _("Rad %(line)s: %(ref)s har ingen utbetalning nummer %(n)s.")
                % {"line": row.line, "ref": row.reference, "n": row.number}
            )
            continue
        if row.amount is not None and row.amount != instalment.amount:
            errors.append(
                _("Rad %(line)s: beloppet %(file)s är inte utbetalningens %(plan)s.")
                % {
                    "line": row.line,
                    "file": format_amount(row.amount),
                    "plan": format_amount(instalment.amount),
                }
            )
            continue
        try:
            booked.append(
                book_instalment_paid(
                    instalment=instalment,
                    paid_on=row.paid_on,
                    finance_reference=row.finance_reference,
                    by=by,
                )
            )
        except ValidationError as error:
            errors.append(
                _("Rad %(line)s (%(ref)s nr %(n)s): %(error)s")
                % {
                    "line": row.line,
                    "ref": row.reference,
                    "n": row.number,
                    "error": " ".join(error.messages),
                }
            )
    if errors:
        raise ValidationError(errors, code="rows")
    return booked
