"""Who may invite the region's own staff."""

from accounts.permissions import AnyUser


def can_invite_staff(user: AnyUser) -> bool:
    """Administrators (superusers) manage the region's users (design §1)."""
    return bool(user.is_active and getattr(user, "is_superuser", False))
