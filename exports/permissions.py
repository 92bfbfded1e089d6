"""Who may take what out of the system (design §5, §9)."""

from accounts.permissions import AnyUser
from funding.permissions import can_view_budget


def can_export_budget_year(user: AnyUser) -> bool:
    """Spreadsheets of a year's allocations, agreements and payments: the region's staff.

    They hold drafts and payment plans, which are working material until decided; partners
    see their own agreements in the portal instead.
    """
    return can_view_budget(user)


def can_view_open_data() -> bool:
    """The year's decided grants in the 360Giving standard are open to everyone.

    Grants decided by the growth committee are public records (offentlighetsprincipen, TF 2 kap.)
    and are published on the region's web site with the minutes; the file holds nothing else:
    no drafts, no payment plans, no people.
    """
    return True
