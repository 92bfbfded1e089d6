"""The second login step for staff, and enrolling an authenticator app.

Both are open before the second step (accounts.two_factor.OPEN_ROUTES). Enrolment answers only
a user with no confirmed device; anyone else is sent to the second step (which sends a user
already past it on to `next`).
"""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.two_factor import needs_two_factor
from twofactor import services
from twofactor.forms import EnrolmentForm, SecondStepForm
from twofactor.qr import qr_data_uri


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    next_url = _next_url(request)
    user = request.user
    if not needs_two_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    if services.may_enrol(user):
        return redirect(reverse("two_factor_setup") + "?" + urlencode({"next": next_url}))
    form = SecondStepForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            step = services.verify_second_step(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            django_otp.login(request, step.device)
            _tell_recovery_codes_left(request, step.recovery_codes_left)
            return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "next": next_url}
    return render(request, "registration/two_factor.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    next_url = _next_url(request)
    user = request.user
    if not services.may_enrol(user):
        return redirect(reverse("two_factor") + "?" + urlencode({"next": next_url}))
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device, codes = services.confirm_device(user=user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            form.add_error("otp_token", error)
        else:
            django_otp.login(request, device)
            shown_once = {"codes": codes, "next": next_url}
            return render(request, "registration/two_factor_recovery_codes.html", shown_once)
    device = services.pending_device(user=user)
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_data_uri(device.config_url),
        "secret": services.secret_for_typing(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/two_factor_setup.html", context, status=status)


def _next_url(request: AuthenticatedRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=False):
        return "/"
    return next_url


def _tell_recovery_codes_left(request: AuthenticatedRequest, left: int | None) -> None:
    """After a recovery code: how many are left, as a warning when few are."""
    if left is None:
        return
    text = ngettext(
        "Du loggade in med en reservkod. Den går inte att använda igen; du har %(n)d kvar.",
        "Du loggade in med en reservkod. Den går inte att använda igen; du har %(n)d kvar.",
        left,
    ) % {"n": left}
    if left > services.FEW_RECOVERY_CODES:
        messages.info(request, text)
        return
    advice = _(
        "Be systemförvaltaren återställa tvåstegsinloggningen, så aktiverar du appen igen "
        "och får nya reservkoder."
    )
    messages.warning(request, f"{text} {advice}")
