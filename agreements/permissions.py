"""May this user do this to an agreement? (design §5)"""

from accounts.permissions import AnyUser, is_official, is_region_staff
from agreements.models import Agreement
from partners.permissions import can_sign_for_partner, membership_of


def can_view_agreement(user: AnyUser, agreement: Agreement) -> bool:
    if is_region_staff(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.partner_id == agreement.partner_id


def can_draft_agreements(user: AnyUser) -> bool:
    return is_official(user)


def can_preview_agreement(user: AnyUser, agreement: Agreement) -> bool:
    """The draft PDF marked UTKAST: officials while drafting; anyone who may see the agreement
    while it awaits signatures, so the partner can read exactly what it signs (issue 19)."""
    if can_draft_agreements(user):
        return True
    return agreement.awaiting_signatures and can_view_agreement(user, agreement)


def can_sign_for_region(user: AnyUser) -> bool:
    """Only officials who were given the permission `agreements.sign_for_region`."""
    return is_official(user) and user.has_perm("agreements.sign_for_region")


def can_sign_as_partner(user: AnyUser, agreement: Agreement) -> bool:
    return can_sign_for_partner(user, agreement.partner)


def can_handle_payments(user: AnyUser) -> bool:
    """Release (attest) instalments and book them paid: the region's officials."""
    return is_official(user)


def can_write_report(user: AnyUser, agreement: Agreement) -> bool:
    """Any user of the agreement's partner writes and submits its reports (design §4 wf 7)."""
    membership = membership_of(user)
    return membership is not None and membership.partner_id == agreement.partner_id


def can_review_reports(user: AnyUser) -> bool:
    """Approve or return submitted reports: the region's officials."""
    return is_official(user)
