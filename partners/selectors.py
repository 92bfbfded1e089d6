"""Reads about partners, scoped to the user asking."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import AnyUser, is_region_staff
from partners.models import Partner
from partners.permissions import membership_of


def partners_for(user: AnyUser) -> QuerySet[Partner]:
    """Region staff see every partner; a partner user sees only their own; others nothing."""
    if is_region_staff(user):
        return Partner.objects.all()
    membership = membership_of(user)
    if membership is None:
        return Partner.objects.none()
    return Partner.objects.filter(pk=membership.partner_id)


def partner_users_for(user: AnyUser, partner: Partner) -> QuerySet[User]:
    """The partner's users, when the asking user may see the partner; else none. A user of
    another partner, or one of the region's staff, is not in it: asking for them is a 404."""
    return User.objects.filter(
        partner_membership__partner=partner,
        partner_membership__partner__in=partners_for(user),
    ).select_related("partner_membership")
