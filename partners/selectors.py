"""Reads about partners, scoped to the user asking."""

from django.db.models import QuerySet

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
