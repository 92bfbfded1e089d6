"""The second login step for staff: a six-digit code from their authenticator app."""

import django_otp
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.forms import OTPTokenForm

from accounts.http import AuthenticatedRequest
from accounts.two_factor import needs_two_factor


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: AuthenticatedRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=False):
        next_url = "/"
    user = request.user
    if not needs_two_factor(user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(next_url)
    devices = list(django_otp.devices_for_user(user, confirmed=True))
    has_device = bool(devices)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and devices and not data.get("otp_device"):
        data["otp_device"] = devices[0].persistent_id  # one app: no need to choose
    form = OTPTokenForm(user, request, data=data)
    if devices:
        form.fields["otp_device"].initial = devices[0].persistent_id
    form.fields["otp_token"].label = _("Engångskod")
    form.fields["otp_token"].widget.attrs.update(
        {"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "6"}
    )
    if request.method == "POST" and has_device and form.is_valid():
        django_otp.login(request, user.otp_device)  # type: ignore[attr-defined]
        return redirect(next_url)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "has_device": has_device, "next": next_url}
    return render(request, "registration/two_factor.html", context, status=status)
