"""Every write to partners and their users."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.services import (
    UNCHANGED,
    Maybe,
    audited_replace,
    audited_update,
    create_audited,
    diff,
    given,
    record_changes,
)
from invitations import services as invitations
from partners.models import Partner, PartnerContact, PartnerMembership
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
    "legal_details_are_example_data",
    "website",
    "description",
    "is_active",
    "is_example_data",
)


@transaction.atomic
def create_partner(
    *,
    by: User | None,
    display_name: str,
    legal_name: str,
    slug: str,
    organisation_number: str = "",
    legal_form: str = "",
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    legal_details_are_example_data: bool = False,
    website: str = "",
    description: str = "",
    is_active: bool = True,
    is_example_data: bool = False,
) -> Partner:
    partner = Partner(
        display_name=display_name,
        legal_name=legal_name,
        slug=slug,
        organisation_number=normalise_organisation_number(organisation_number),
        legal_form=legal_form,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
        legal_details_are_example_data=legal_details_are_example_data,
        website=website,
        description=description,
        is_active=is_active,
        is_example_data=is_example_data,
    )
    return create_audited(partner, action=AuditAction.PARTNER_CREATED, by=by, fields=["is_active"])


@transaction.atomic
def update_partner(
    *,
    partner: Partner,
    by: User | None,
    reason: str = "",
    display_name: Maybe[str] = UNCHANGED,
    legal_name: Maybe[str] = UNCHANGED,
    slug: Maybe[str] = UNCHANGED,
    organisation_number: Maybe[str] = UNCHANGED,
    legal_form: Maybe[str] = UNCHANGED,
    street_address: Maybe[str] = UNCHANGED,
    postal_code: Maybe[str] = UNCHANGED,
    city: Maybe[str] = UNCHANGED,
    legal_details_are_example_data: Maybe[bool] = UNCHANGED,
    website: Maybe[str] = UNCHANGED,
    description: Maybe[str] = UNCHANGED,
    is_active: Maybe[bool] = UNCHANGED,
    is_example_data: Maybe[bool] = UNCHANGED,
) -> Partner:
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if organisation_number is not UNCHANGED:
        organisation_number = normalise_organisation_number(organisation_number)
    values = given(
        display_name=display_name,
        legal_name=legal_name,
        slug=slug,
        organisation_number=organisation_number,
        legal_form=legal_form,
        street_address=street_address,
        postal_code=postal_code,
        city=city,
        legal_details_are_example_data=legal_details_are_example_data,
        website=website,
        description=description,
        is_active=is_active,
        is_example_data=is_example_data,
    )
    audited_update(partner, values=values, action=AuditAction.PARTNER_UPDATED, by=by, reason=reason)
    return partner


@transaction.atomic
def set_payment_details(
    *,
    partner: Partner,
    method: str,
    account: str,
    by: User | None,
    reason: str = "",
    example_data: bool = False,
) -> Partner:
    """Where the region pays the partner: a bankgiro or plusgiro number, its check digit
    validated, every change in the history. Empty method and account remove them."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    values = {
        "payment_method": method,
        "payment_account": account,  # Partner.clean normalises it (999-0011 → 9990011)
        "payment_details_are_example_data": example_data,
    }
    audited_update(
        partner,
        values=values,
        action=AuditAction.PARTNER_PAYMENT_DETAILS_SET,
        by=by,
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
    record_changes(
        action=AuditAction.PARTNER_MEMBERSHIP_SET,
        target=membership,
        by=by,
        changes=diff(before, {"partner": partner.pk, "is_signatory": is_signatory}),
    )
    return membership


@transaction.atomic
def invite_partner_user(
    *,
    partner: Partner,
    email: str,
    first_name: str,
    last_name: str,
    is_signatory: bool,
    by: User | None,
    title: str = "",
) -> User:
    """A new user of the partner, e-mailed a one-time link to choose a password. The e-mail
    names the partner; an address already in use is refused without saying whose it is."""
    user = invitations.invite_user(
        email=email,
        first_name=first_name,
        last_name=last_name,
        title=title,
        role=Role.PARTNER,
        organisation=partner.display_name,
        by=by,
    )
    set_partner_membership(user=user, partner=partner, is_signatory=is_signatory, by=by)
    return user


def _member_of(partner: Partner, user: User) -> User:
    membership = PartnerMembership.objects.filter(user=user, partner=partner).first()
    if membership is None or user.role != Role.PARTNER:
        raise ValidationError(_("Användaren hör inte till %(p)s.") % {"p": partner})
    return user


@transaction.atomic
def resend_partner_invitation(*, partner: Partner, user: User, by: User | None) -> User:
    return invitations.resend_invitation(
        user=_member_of(partner, user), organisation=partner.display_name, by=by
    )


@transaction.atomic
def deactivate_partner_user(*, partner: Partner, user: User, by: User | None) -> User:
    """The partner's user can no longer log in; their membership and what they signed stay."""
    return invitations.deactivate_user(user=_member_of(partner, user), by=by)


@dataclass(frozen=True)
class Contact:
    """A contact person as a form states it."""

    name: str
    role: str = ""
    email: str = ""
    phone: str = ""


@transaction.atomic
def set_contacts(
    *, partner: Partner, contacts: Sequence[Contact], by: User | None, example_data: bool = False
) -> list[PartnerContact]:
    """The partner's contact persons, in order; every change in the history."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    rows = [
        PartnerContact(
            partner=partner,
            position=n,
            name=c.name.strip(),
            role=c.role.strip(),
            email=c.email.strip(),
            phone=c.phone.strip(),
            is_example_data=example_data,
        )
        for n, c in enumerate(contacts, start=1)
    ]
    for row in rows:
        row.full_clean(exclude=["partner"], validate_constraints=False)
    return audited_replace(
        partner.contacts.all(),
        rows,
        describe=lambda c: (c.name, c.role, c.email, c.phone),
        field="contacts",
        action=AuditAction.PARTNER_CONTACTS_SET,
        target=partner,
        by=by,
    )
