"""Reads the budget pages need, scoped to the user asking."""

from django.db.models import QuerySet

from accounts.permissions import AnyUser
from funding.models import Allocation, BudgetYear, Decision, Programme
from funding.permissions import can_view_budget, can_view_decisions


def budget_years_for(user: AnyUser) -> QuerySet[BudgetYear]:
    if not can_view_budget(user):
        return BudgetYear.objects.none()
    return BudgetYear.objects.all()


def programmes_for(user: AnyUser) -> QuerySet[Programme]:
    if not can_view_budget(user):
        return Programme.objects.none()
    return Programme.objects.select_related("budget_year", "source")


def allocations_for(user: AnyUser) -> QuerySet[Allocation]:
    if not can_view_budget(user):
        return Allocation.objects.none()
    return Allocation.objects.select_related("partner", "programme", "decision")


def decisions_for(user: AnyUser) -> QuerySet[Decision]:
    if not can_view_decisions(user):
        return Decision.objects.none()
    return Decision.objects.all()
