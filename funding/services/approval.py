"""Justering: the minutes with a decision are approved, and its certified extract
(protokollsutdrag) is sealed and stored (issue 19)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.actions import AuditAction
from audit.services import record_event
from funding.models import Decision, DecisionStatus
from funding.services.decisions import issue_decision_extract, lock_to_become


def _check_approval(
    decision: Decision, *, approved_on: date, adjusters: str, chair: str, posted_on: date
) -> None:
    """Every problem at once, each on its field, so the secretary fixes them in one go."""
    errors: dict[str, str] = {}
    if approved_on < decision.meeting_date:
        errors["approved_on"] = _("Justeringen kan inte ske före sammanträdet.")
    if not adjusters.strip():
        errors["adjusters"] = _("Ange vem eller vilka som justerade protokollet.")
    if not chair.strip():
        errors["chair"] = _("Ange sammanträdets ordförande.")
    # Kommunallagen 8 kap. 12 §: the approval is posted on the notice board after it is made.
    if posted_on < decision.meeting_date:
        errors["posted_on"] = _("Anslaget kan inte sättas upp före sammanträdet.")
    elif posted_on < approved_on:
        errors["posted_on"] = _("Anslaget kan inte sättas upp före justeringen.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def approve_decision(
    *,
    decision: Decision,
    approved_on: date,
    adjusters: str,
    chair: str,
    posted_on: date,
    by: User,
) -> Decision:
    """Record that the minutes with this decision were approved (justerade): who approved them,
    the chair, and the day the approval was posted (anslag), from which the three weeks for
    laglighetsprövning run. The secretary who records it certifies the extract (rätt utdraget
    intygar) with their name and title."""
    decision = lock_to_become(decision, DecisionStatus.APPROVED)
    adjusters, chair = adjusters.strip(), chair.strip()
    _check_approval(
        decision, approved_on=approved_on, adjusters=adjusters, chair=chair, posted_on=posted_on
    )
    values = {
        "status": DecisionStatus.APPROVED,
        "approved_on": approved_on,
        "adjusters": adjusters,
        "chair": chair,
        "posted_on": posted_on,
        "certifier_name": by.get_full_name() or by.username,
        "certifier_title": by.title,
    }
    changes = {name: (getattr(decision, name), value) for name, value in values.items()}
    for name, value in values.items():
        setattr(decision, name, value)
    decision.full_clean()
    decision.save(update_fields=list(values))
    record_event(action=AuditAction.DECISION_APPROVED, target=decision, by=by, changes=changes)
    document = issue_decision_extract(decision)
    record_event(
        action=AuditAction.DECISION_SEALED,
        target=decision,
        by=by,
        changes={"document": (None, document.sha256)},
    )
    return decision
