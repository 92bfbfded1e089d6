"""Who may hold an API token (design §5: the roles that see data through the API)."""

from accounts.permissions import AnyUser, is_official, is_secretary
from partners.permissions import membership_of


def can_hold_token(user: AnyUser) -> bool:
    """Active officials, secretaries, service accounts (the region's other systems) and
    partner users who belong to a partner.

    Administrators are left out on purpose: their accounts are for the admin, and a token is a
    long-lived secret kept in another system. Checked when a token is made and on every request,
    so deactivating a user or changing their role stops their tokens at once.
    """
    return (
        is_official(user)
        or is_secretary(user)
        or bool(getattr(user, "is_service_account", False))
        or membership_of(user) is not None
    )
