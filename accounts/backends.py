"""Loading the logged-in user once per request, with what every page asks of them."""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import Role, User
from accounts.session_cache import cached_user


class UserBackend(ModelBackend):
    """Django's ModelBackend, but the session's user comes with their partner membership.

    Every partner page scopes its queries by the membership (`partners.permissions.
    membership_of`); joining it here saves that query on each of their requests. Staff have
    no membership: the join finds nothing and costs nothing more.
    """

    def user_can_authenticate(self, user: Any) -> bool:
        """A service account is another system, holding API tokens: it never has a password
        that works here, nor a session."""
        if getattr(user, "role", "") == Role.SERVICE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: Any) -> User | None:
        """With a shared cache, from it while nothing about the user changed (session_cache);
        the checks below and Django's session hash check run on every request either way."""
        user: User | None = cached_user(
            user_id,
            lambda: (
                User._default_manager.select_related("partner_membership")
                .filter(pk=user_id)
                .first()
            ),
        )
        return user if user is not None and self.user_can_authenticate(user) else None
