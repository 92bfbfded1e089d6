"""Who may do what with another user's two-factor devices."""

from accounts.models import User


def can_reset_two_factor(user: User) -> bool:
    """Only administrators: a reset lets the next person with the password enrol a new app."""
    return user.is_active and user.is_superuser
