"""Who may take what out of the system (design §5, §9)."""

from accounts.permissions import AnyUser
from funding.permissions import can_view_budget


def can_export_budget_year(user: AnyUser) -> bool:
    """Spreadsheets of a year's allocations, agreements and payments: the region's staff.

    They hold drafts and payment plans, which are working material until decided; partners
    see their own agreements in the portal instead.
    """
    return can_view_budget(user)
