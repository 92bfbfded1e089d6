"""May this user see or act for this partner? (design §5)"""

from accounts.models import Role, User
from accounts.permissions import AnyUser, is_official, is_region_staff
from partners.models import Partner, PartnerMembership


def membership_of(user: AnyUser) -> PartnerMembership | None:
    """The user's partner membership, if they are an active partner user."""
    if not getattr(user, "is_partner_user", False):
        return None
    try:
        return user.partner_membership  # type: ignore[union-attr]
    except PartnerMembership.DoesNotExist:
        return None


def membership_key(user: AnyUser) -> str:
    """The user's membership as a cache key: the partner and whether they sign for it, what a
    page cached for them depends on. It comes with the session's user, so a membership ended or
    changed outside the services (the admin, a direct save) shows at the next request."""
    membership = membership_of(user)
    return f"{membership.partner_id}:{membership.is_signatory:d}" if membership else "none"


def can_view_partner(user: AnyUser, partner: Partner) -> bool:
    if is_region_staff(user):
        return True
    membership = membership_of(user)
    return membership is not None and membership.partner_id == partner.pk


def can_sign_for_partner(user: AnyUser, partner: Partner) -> bool:
    membership = membership_of(user)
    return (
        membership is not None and membership.partner_id == partner.pk and membership.is_signatory
    )


def can_manage_partners(user: AnyUser) -> bool:
    return bool(user.is_active and getattr(user, "is_superuser", False))


def can_edit_partner(user: AnyUser) -> bool:
    """Officials keep partners' legal data, payment details and contacts (design §3)."""
    return is_official(user)


def can_manage_partner_users(user: AnyUser, partner: Partner) -> bool:
    """Invite users to the partner and deactivate them: officials and administrators for any
    partner, a partner's signatory for their own organisation only."""
    if is_official(user) or (user.is_active and getattr(user, "is_superuser", False)):
        return True
    return can_sign_for_partner(user, partner)


def can_deactivate_partner_user(user: AnyUser, partner: Partner, member: User) -> bool:
    """Never themselves, never the region's staff, only the partner's own active users."""
    membership = getattr(member, "partner_membership", None)
    return (
        can_manage_partner_users(user, partner)
        and member.pk != getattr(user, "pk", None)
        and member.role == Role.PARTNER
        and member.is_active
        and membership is not None
        and membership.partner_id == partner.pk
    )
