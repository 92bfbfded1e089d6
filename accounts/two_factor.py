"""Two-factor login (TOTP) for the region's staff: officials, secretaries and administrators.

After the password, they give a six-digit code from an authenticator app (django-otp). Until
they have, `RequireTwoFactorMiddleware` sends every request to that step. Partner users log in
with their password (their signing asks for it again).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Role, User

# Pages that stay reachable before the second step.
_OPEN_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accessibility/",
    "/verify/",
    "/open-data/",
    "/healthz",
    "/static/",
    # The JSON API authenticates by bearer token only and ignores the session cookie, so a
    # half-logged-in staff session gains nothing there; redirecting would only turn the API's
    # 401 into an HTML login step that a client cannot follow.
    "/api/",
)


def needs_two_factor(user: Any) -> bool:
    return bool(
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or user.role in (Role.OFFICIAL, Role.SECRETARY))
    )


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.OTP_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and needs_two_factor(user)
            and not user.is_verified()  # set by OTPMiddleware
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(
                reverse("two_factor") + "?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)
