"""Which allocations a draft decision lists, and at what amount (design §4 workflow 3).

An allocation is in at most one open decision at a time (checked under its row lock, so two
secretaries racing get one listing and one message), and each row remembers the allocation's
version, so deciding can refuse a row whose allocation changed after it was listed (issue 17).
"""

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.actions import AuditAction
from audit.services import record_event
from funding.models import (
    DECISION_EDITABLE,
    Allocation,
    AmendmentProposal,
    Decision,
    DecisionItem,
    ProposalStatus,
)
from funding.services.decisions import lock_editable
from funding.services.rules import check_amount


@transaction.atomic
def add_to_decision(
    *,
    decision: Decision,
    allocation: Allocation,
    amount: Decimal | None = None,
    by: User | None,
) -> DecisionItem:
    """List an allocation in a draft decision.

    For a draft allocation the decision decides its current amount (taken again at decide
    time, so officials may adjust it until then). For an already decided allocation this is an
    amending decision and `amount` is the new amount it will decide.
    """
    return list_allocation(lock_editable(decision), allocation, amount=amount, by=by)


@transaction.atomic
def add_allocations_to_decision(
    *, decision: Decision, allocations: Sequence[Allocation], by: User | None
) -> list[DecisionItem]:
    """List several draft allocations in a draft decision: all of them, or none."""
    decision = lock_editable(decision)
    return [list_allocation(decision, a, amount=None, by=by) for a in sorted(allocations, key=_pk)]


@transaction.atomic
def refresh_in_decision(
    *, decision: Decision, allocation: Allocation, by: User | None
) -> DecisionItem:
    """List again an allocation that changed after it was listed: the decision then shows (and
    will decide) its amount as it is now."""
    decision = lock_editable(decision)
    item = DecisionItem.objects.filter(decision=decision, allocation=allocation).first()
    if item is None:
        raise ValidationError(_("Fördelningen finns inte i beslutet."))
    return list_allocation(
        decision, allocation, amount=item.amount if allocation.is_decided else None, by=by
    )


def _pk(allocation: Allocation) -> int:
    return int(allocation.pk)


def list_allocation(
    decision: Decision, allocation: Allocation, *, amount: Decimal | None, by: User | None
) -> DecisionItem:
    # The allocation's row lock orders two listings of it: the second sees the first's item.
    allocation = (
        Allocation.objects.select_for_update().select_related("partner").get(pk=allocation.pk)
    )
    elsewhere = (
        DecisionItem.objects.filter(allocation=allocation, decision__status__in=DECISION_EDITABLE)
        .exclude(decision=decision)
        .select_related("decision")
        .first()
    )
    if elsewhere is not None:
        raise ValidationError(
            _(
                "%(partner)s finns redan i beslutsutkastet ”%(decision)s”. En fördelning kan "
                "bara tas upp i ett beslut åt gången: ta bort den där först."
            )
            % {"partner": allocation.partner.display_name, "decision": elsewhere.decision},
            code="listed_elsewhere",
        )
    if allocation.is_decided:
        if amount is None:
            raise ValidationError(
                {"amount": _("Ange det nya beloppet för den redan beslutade fördelningen.")}
            )
        check_amount(amount)
    else:
        amount = allocation.amount
    item, _created = DecisionItem.objects.update_or_create(
        decision=decision,
        allocation=allocation,
        defaults={"amount": amount, "allocation_version": allocation.version},
    )
    record_event(
        action=AuditAction.DECISION_ALLOCATION_LISTED,
        target=decision,
        by=by,
        changes={f"allocation:{allocation.pk}": (None, amount)},
    )
    return item


@transaction.atomic
def remove_from_decision(*, decision: Decision, allocation: Allocation, by: User | None) -> None:
    decision = lock_editable(decision)
    deleted, _rows = DecisionItem.objects.filter(decision=decision, allocation=allocation).delete()
    # A proposed amendment that left the draft is open again, for this or another decision.
    AmendmentProposal.objects.filter(
        decision=decision, allocation=allocation, status=ProposalStatus.LISTED
    ).update(status=ProposalStatus.OPEN, decision=None)
    if deleted:
        record_event(
            action=AuditAction.DECISION_ALLOCATION_REMOVED,
            target=decision,
            by=by,
            changes={f"allocation:{allocation.pk}": (str(allocation), None)},
        )
