"""The agreement's lifecycle: `agreements.models.TRANSITIONS`; `transition` is the only place
that changes an agreement's status, and it writes the history."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import notices
from agreements.models import (
    Agreement,
    AgreementStatus,
    InstalmentStatus,
    ReportingRequirement,
    ReportStatus,
)
from agreements.plans import PlannedInstalment, check_plan
from audit.actions import AuditAction
from audit.services import record_event
from core.money import format_amount
from funding.models import Allocation


def lock(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("partner")
        .get(pk=agreement.pk)
    )


def touch(agreement: Agreement) -> None:
    """Mark the agreement changed when its payments or reports change (the API's
    `updated_since` and the lists' freshness read `updated_at`)."""
    Agreement.objects.filter(pk=agreement.pk).update(updated_at=timezone.now())


def transition(agreement: Agreement, to: str, *, by: User | None, reason: str = "") -> Agreement:
    if not agreement.can_become(to):
        raise ValidationError(
            _("En överenskommelse med status %(from)s kan inte bli %(to)s.")
            % {
                "from": agreement.get_status_display(),
                "to": AgreementStatus(to).label,
            },
            code="illegal_transition",
        )
    old = agreement.status
    agreement.status = to
    agreement.save(update_fields=["status", "updated_at"])
    record_event(
        action=AuditAction.AGREEMENT_STATUS_CHANGED,
        target=agreement,
        by=by,
        changes={"status": (old, to)},
        reason=reason,
    )
    return agreement


def check_terms_editable(agreement: Agreement) -> None:
    if not agreement.terms_editable:
        raise ValidationError(
            _("Villkoren kan bara ändras i ett utkast. Dra tillbaka eller gör en ändring.")
        )


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
    agreement = transition(agreement, AgreementStatus.SENT, by=by)
    notices.agreement_sent(agreement)
    return agreement


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
            _("Överenskommelsen kan avslutas när %(left)s.") % {"left": " och ".join(left)},
            code="follow_up_left",
        )
    return transition(agreement, AgreementStatus.COMPLETED, by=by, reason=reason)


@transaction.atomic
def terminate_agreement(*, agreement: Agreement, by: User | None, reason: str) -> Agreement:
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till att överenskommelsen hävs.")})
    agreement = lock(agreement)
    agreement.termination_reason = reason
    agreement.full_clean(validate_unique=False, validate_constraints=False)
    agreement.save(update_fields=["termination_reason", "updated_at"])
    agreement = transition(agreement, AgreementStatus.TERMINATED, by=by, reason=reason)
    notices.agreement_terminated(agreement)
    return agreement
