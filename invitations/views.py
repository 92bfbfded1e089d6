"""Pages reached from the one-time links, the password-reset request, and the staff invitation.

The link pages are Django's PasswordResetConfirmView: the token moves from the address to the
session at once (so it never leaks in a Referer header) and is checked again on submit. Both
work logged out and before a staff member's second login step (accounts.two_factor).
"""

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.models import User
from accounts.permissions import is_region_staff
from accounts.tokens import invitation_token_generator
from core.views import created
from invitations import services
from invitations.forms import QueuedPasswordResetForm, StaffInvitationForm
from invitations.permissions import can_invite_staff


class OneTimeLinkView(auth_views.PasswordResetConfirmView):
    """A link whose user is gone or deactivated is a link that no longer works."""

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        return user if isinstance(user, User) and self.usable_for(user) else None

    def usable_for(self, user: User) -> bool:
        return user.is_active

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def done(self) -> None:
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]


class AcceptInvitationView(OneTimeLinkView):
    token_generator = invitation_token_generator
    template_name = "registration/accept_invitation.html"
    success_url = reverse_lazy("login")

    def usable_for(self, user: User) -> bool:
        return services.is_pending(user)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            user = services.accept_invitation(
                user=form.user, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:  # accepted in another tab meanwhile
            self.validlink = False
            return self.render_to_response(self.get_context_data())
        self.done()
        messages.success(
            self.request,
            _("Ditt lösenord är sparat. Logga in med användarnamnet %(username)s.")
            % {"username": user.get_username()},
        )
        return HttpResponseRedirect(self.get_success_url())


class ResetPasswordConfirmView(OneTimeLinkView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        services.reset_password(user=form.user, password=form.cleaned_data["new_password1"])
        self.done()
        return HttpResponseRedirect(self.get_success_url())


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@login_required
@require_http_methods(["GET", "POST"])
def staff_invite(request: AuthenticatedRequest) -> HttpResponse:
    if not can_invite_staff(request.user):
        raise PermissionDenied if is_region_staff(request.user) else Http404
    posted = request.POST if request.method == "POST" else None
    form = StaffInvitationForm(posted)
    invite = partial(services.invite_user, organisation=settings.REGION_NAME, by=request.user)
    user = created(request, form, invite)
    if user is not None:
        messages.success(
            request, _("En inbjudan har skickats till %(email)s.") % {"email": user.email}
        )
        return redirect("staff_invite")
    status = 400 if posted is not None else 200
    return render(request, "registration/staff_invite.html", {"form": form}, status=status)
