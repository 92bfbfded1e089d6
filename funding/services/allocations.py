"""Allocations: the draft amounts per partner in a programme, with optimistic versions."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.actions import AuditAction
from audit.services import audited_set, record_created
from core.money import ZERO
from funding.models import (
    Allocation,
    Programme,
)
from funding.services.rules import (
    check_amount,
    check_year_open,
    lock_programmes,
)
from partners.models import Partner


@dataclass
class Conflict:
    """A row someone else changed since the editor was loaded."""

    partner: Partner
    expected_version: int
    current_amount: Decimal | None
    current_version: int
    changed_by: User | None


class StaleAllocationsError(ValidationError):
    """Raised when a save is based on stale data; carries what changed, saves nothing."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        names = ", ".join(c.partner.display_name for c in conflicts)
        super().__init__(
            _(
                "Beloppen för %(names)s sparades i en annan flik eller av någon annan sedan du "
                "öppnade sidan. Inget sparades nu. Se de aktuella beloppen och spara igen."
            )
            % {"names": names},
            code="stale",
        )


class PartnerAmountError(ValidationError):
    """A rule refused one partner's amount: `partner_id` says whose, for the page to show it
    next to that partner's field."""

    def __init__(self, message: str, *, partner_id: int) -> None:
        super().__init__(message, code="partner_amount")
        self.partner_id = partner_id


@dataclass
class AllocationResult:
    programme: Programme
    allocations: list[Allocation]
    changed: list[Allocation] = field(default_factory=list)
    total: Decimal = ZERO

    @property
    def over_ceiling_by(self) -> Decimal:
        return max(ZERO, self.total - self.programme.ceiling)


@transaction.atomic
def set_allocations(
    *,
    programme: Programme,
    amounts: Mapping[int, Decimal],
    expected_versions: Mapping[int, int] | None = None,
    reason: str = "",
    by: User | None,
) -> AllocationResult:
    """Set draft amounts of a programme, keyed by partner id.

    `expected_versions` maps partner id → the allocation version the user saw (0 for "no
    allocation yet"); if any row moved on since, nothing is saved and StaleAllocationsError says
    which. Decided allocations cannot be changed here (only by an amending decision). A draft
    total above the ceiling is saved; the result reports by how much it is over, and deciding
    will be refused until it fits.
    """
    programme = lock_programmes([programme.pk])[programme.pk]
    check_year_open(programme.budget_year)
    for partner_id, amount in amounts.items():
        try:
            check_amount(amount)
        except ValidationError as error:
            raise PartnerAmountError(error.messages[0], partner_id=partner_id) from error
    existing = {
        a.partner_id: a
        for a in Allocation.objects.select_for_update(of=("self",))
        .filter(programme=programme)
        .select_related("partner", "updated_by")
        .order_by("pk")
    }
    partners = Partner.objects.in_bulk(list(amounts))
    missing = set(amounts) - set(partners)
    if missing:
        raise ValidationError(_("Okänd partner."))

    if expected_versions is not None:
        conflicts = []
        for partner_id, expected in expected_versions.items():
            current = existing.get(partner_id)
            current_version = current.version if current else 0
            if partner_id in amounts and current_version != expected:
                conflicts.append(
                    Conflict(
                        partner=partners[partner_id],
                        expected_version=expected,
                        current_amount=current.amount if current else None,
                        current_version=current_version,
                        changed_by=current.updated_by if current else None,
                    )
                )
        if conflicts:
            raise StaleAllocationsError(conflicts)

    changed: list[Allocation] = []
    for partner_id, amount in amounts.items():
        allocation = existing.get(partner_id)
        if allocation is None:
            if amount == 0:
                continue
            if not partners[partner_id].is_active:
                raise PartnerAmountError(
                    _("%(partner)s är inte aktiv.") % {"partner": partners[partner_id]},
                    partner_id=partner_id,
                )
            allocation = Allocation.objects.create(
                programme=programme, partner=partners[partner_id], amount=amount, updated_by=by
            )
            existing[partner_id] = allocation
            record_created(
                allocation,
                action=AuditAction.ALLOCATION_CREATED,
                by=by,
                fields=["amount"],
                reason=reason,
            )
            changed.append(allocation)
        elif allocation.amount != amount:
            if allocation.is_decided:
                raise PartnerAmountError(
                    _(
                        "%(partner)s: beloppet är beslutat och kan bara ändras genom ett "
                        "nytt beslut."
                    )
                    % {"partner": allocation.partner},
                    partner_id=partner_id,
                )
            allocation.version += 1
            allocation.updated_by = by
            audited_set(
                allocation,
                values={"amount": amount},
                action=AuditAction.ALLOCATION_UPDATED,
                by=by,
                reason=reason,
                save_also=["version", "updated_by", "updated_at"],
            )
            changed.append(allocation)

    allocations = sorted(existing.values(), key=lambda a: a.partner.display_name)
    total = sum((a.amount for a in allocations), ZERO)
    return AllocationResult(
        programme=programme, allocations=allocations, changed=changed, total=total
    )
