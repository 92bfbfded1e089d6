"""Reads about agreements, scoped to the user: the one place object-level access lives."""

from django.db.models import QuerySet

from accounts.permissions import AnyUser, is_region_staff
from agreements.models import Agreement
from partners.permissions import membership_of


def agreements_for(user: AnyUser) -> QuerySet[Agreement]:
    """Region staff see every agreement; a partner user only their partner's; others none.

    Views look agreements up in this queryset, so another partner's agreement is a 404 exactly
    like one that does not exist.
    """
    qs = Agreement.objects.select_related("partner", "allocation__programme__budget_year")
    if is_region_staff(user):
        return qs
    membership = membership_of(user)
    if membership is None:
        return Agreement.objects.none()
    return qs.filter(partner_id=membership.partner_id)
