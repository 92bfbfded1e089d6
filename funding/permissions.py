"""May this user do this to budgets, allocations and decisions? (design §5)"""

from accounts.permissions import AnyUser, is_official, is_region_staff, is_secretary
from funding.models import BudgetYearStatus, Decision, Programme


def can_view_budget(user: AnyUser) -> bool:
    """Budget overviews, programmes and allocations: the region's officials and secretaries."""
    return is_region_staff(user)


def can_edit_allocations(user: AnyUser, programme: Programme) -> bool:
    return is_official(user) and programme.budget_year.status != BudgetYearStatus.CLOSED


def can_manage_budget(user: AnyUser) -> bool:
    """Create years, sources and programmes."""
    return is_official(user) or (user.is_active and getattr(user, "is_superuser", False))


def can_view_decisions(user: AnyUser) -> bool:
    return is_region_staff(user)


def can_record_decisions(user: AnyUser) -> bool:
    return is_secretary(user)


def can_edit_decision(user: AnyUser, decision: Decision) -> bool:
    """Change the record of a draft decision and the allocations it lists."""
    return is_secretary(user) and decision.is_editable
