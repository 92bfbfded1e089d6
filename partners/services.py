"""Every write to partners and their users."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.services import diff, record_event
from partners.models import Partner, PartnerMembership
from partners.validators import normalise_organisation_number

PARTNER_FIELDS = (
    "display_name",
    "legal_name",
    "slug",
    "organisation_number",
    "legal_form",
    "street_address",
    "postal_code",
    "city",
    "website",
    "description",
    "is_active",
    "is_example_data",
)


def _apply(partner: Partner, values: dict[str, Any]) -> None:
    unknown = set(values) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"not partner fields: {sorted(unknown)}")
    if "organisation_number" in values:
        values["organisation_number"] = normalise_organisation_number(values["organisation_number"])
    for key, value in values.items():
        setattr(partner, key, value)
    partner.full_clean()


@transaction.atomic
def create_partner(*, by: User | None, **values: Any) -> Partner:
    partner = Partner()
    _apply(partner, values)
    partner.save()
    record_event(
        action=AuditAction.PARTNER_CREATED,
        target=partner,
        by=by,
        changes={"is_active": (None, partner.is_active)},
    )
    return partner


@transaction.atomic
def update_partner(
    *, partner: Partner, by: User | None, reason: str = "", **values: Any
) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = {k: getattr(partner, k) for k in values}
    _apply(partner, values)
    partner.save()
    changes = diff(before, {k: getattr(partner, k) for k in values})
    if changes:
        record_event(
            action=AuditAction.PARTNER_UPDATED,
            target=partner,
            by=by,
            changes=changes,
            reason=reason,
        )
    return partner


@transaction.atomic
def set_partner_membership(
    *, user: User, partner: Partner, is_signatory: bool, by: User | None
) -> PartnerMembership:
    """Make `user` a user of `partner` (a user belongs to at most one partner)."""
    if user.role != Role.PARTNER:
        raise ValidationError(_("Bara användare med rollen partner kan kopplas till en partner."))
    membership = PartnerMembership.objects.select_for_update().filter(user=user).first()
    before = (
        {"partner": membership.partner_id, "is_signatory": membership.is_signatory}
        if membership
        else {}
    )
    if membership is None:
        membership = PartnerMembership(user=user)
    membership.partner = partner
    membership.is_signatory = is_signatory
    membership.save()
    changes = diff(before, {"partner": partner.pk, "is_signatory": is_signatory})
    if changes:
        record_event(
            action=AuditAction.PARTNER_MEMBERSHIP_SET, target=membership, by=by, changes=changes
        )
    return membership
