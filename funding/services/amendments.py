"""Proposing a change of decided money and listing it in a draft decision (issue 17).

Decided money is never edited in place (design §3, invariant 6): an official proposes a new
amount with a reason; the secretary lists the proposal in a draft decision, which shows old →
new; deciding it changes the allocation (funding.services.decisions.decide, refused over the
ceiling) and marks the proposal decided. An allocation has at most one proposal not yet
decided (a database constraint).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.actions import AuditAction
from audit.services import record_event
from core.money import format_amount
from funding.models import (
    Allocation,
    AmendmentProposal,
    Decision,
    DecisionItem,
    ProposalStatus,
)
from funding.permissions import can_edit_allocations
from funding.services.decisions import lock_editable
from funding.services.listing import list_allocation
from funding.services.rules import check_amount, check_year_open


@transaction.atomic
def propose_amendment(
    *, allocation: Allocation, amount: Decimal, reason: str, by: User
) -> AmendmentProposal:
    allocation = (
        Allocation.objects.select_for_update(of=("self",))
        .select_related("partner", "programme__budget_year")
        .get(pk=allocation.pk)
    )
    if not can_edit_allocations(by, allocation.programme):
        raise ValidationError(_("Bara regionens handläggare föreslår ändringar."))
    if not allocation.is_decided:
        raise ValidationError(
            _("Fördelningen är inte beslutad än: ändra beloppet i utkastet i stället.")
        )
    check_year_open(allocation.programme.budget_year)
    check_amount(amount)
    if amount == allocation.amount:
        raise ValidationError(
            {
                "amount": _("Det nya beloppet är detsamma som det beslutade (%(a)s).")
                % {"a": format_amount(allocation.amount)}
            }
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Ange skälet till ändringen.")})
    proposal = AmendmentProposal(
        allocation=allocation, amount=amount, reason=reason.strip(), proposed_by=by
    )
    proposal.full_clean(exclude=["allocation", "decision", "proposed_by"])
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Det finns redan ett ändringsförslag för %(partner)s som inte är beslutat. "
                "Det behöver beslutas först."
            )
            % {"partner": allocation.partner.display_name}
        ) from error
    record_event(
        action=AuditAction.ALLOCATION_AMENDMENT_PROPOSED,
        target=allocation,
        by=by,
        changes={"amount": (allocation.amount, amount)},
        reason=proposal.reason,
    )
    return proposal


@transaction.atomic
def list_amendment(
    *, decision: Decision, proposal: AmendmentProposal, by: User | None
) -> DecisionItem:
    """Take a proposal up in a draft decision, which will decide its amount."""
    decision = lock_editable(decision)
    proposal = AmendmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(_("Ändringsförslaget är redan upptaget i ett beslut."))
    item = list_allocation(decision, proposal.allocation, amount=proposal.amount, by=by)
    proposal.status, proposal.decision = ProposalStatus.LISTED, decision
    proposal.save(update_fields=["status", "decision"])
    return item
