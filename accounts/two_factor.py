"""Two-factor login (TOTP) for the region's staff: officials, secretaries and administrators.

After the password, they give a six-digit code from an authenticator app (django-otp), or one
of their recovery codes. Until they have, `RequireTwoFactorMiddleware` sends every request to
that step; one without a device enrols an app there first (the `twofactor` app: the pages and
services, which record history). Partner users log in with their password (their signing asks
for it again).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Role, User
from core.routing import namespace, route

# Routes that stay reachable before the second step, by the name of the route Django will
# actually serve. Never decide on `request.path`: it starts with SCRIPT_NAME, which a WSGI
# server may take from a request header, so "/api" + "/budget/2024/" would look like the API
# while Django routes `path_info` to the budget (issue 13, finding 1).
OPEN_ROUTES = frozenset(
    {
        "login",
        "logout",
        "two_factor",
        # Enrolment answers only users with no confirmed device (twofactor.views).
        "two_factor_setup",
        "accessibility",
        "robots_txt",
        "favicon",
        "verify",
        "healthz",
        "readyz",
        "metrics",
        "exports:open_data",
        # The one-time e-mail links and the reset request (invitations.urls): they must work
        # in a browser where someone is half logged in, as they do logged out.
        "accept_invitation",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
    }
)
# The JSON API authenticates by bearer token only and ignores the session cookie, so a
# half-logged-in staff session gains nothing there; redirecting would only turn the API's 401
# into an HTML login step that a client cannot follow.
OPEN_NAMESPACES = frozenset({"api"})


def is_open_before_second_step(request: HttpRequest) -> bool:
    """Whether the view Django resolves the request to may be used before the second step.

    A path that resolves to nothing is not open: the second step comes first, then the 404.
    """
    match = route(request)
    if match is None:
        return False
    return match.view_name in OPEN_ROUTES or namespace(request) in OPEN_NAMESPACES


def needs_two_factor(user: Any) -> bool:
    return bool(
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or user.role in (Role.OFFICIAL, Role.SECRETARY))
    )


def awaiting_second_step(user: Any) -> bool:
    """Logged in with the password, but the second step is still to come: the pages open
    before it show no main menu, whose links would all lead back to the second step."""
    return bool(
        settings.OTP_REQUIRED_FOR_STAFF
        and user is not None
        and user.is_authenticated
        and needs_two_factor(user)
        and not user.is_verified()  # set by OTPMiddleware
    )


def second_step_context(request: HttpRequest) -> dict[str, bool]:
    """Context processor: `awaiting_second_step` for base.html."""
    return {"awaiting_second_step": awaiting_second_step(getattr(request, "user", None))}


class RequireTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if awaiting_second_step(getattr(request, "user", None)) and not (
            is_open_before_second_step(request)
        ):
            return redirect(
                reverse("two_factor") + "?" + urlencode({"next": request.get_full_path()})
            )
        return self.get_response(request)
