"""The administrator's reset of a user's two-factor devices, as an action on the user admin.

The user admin is the accounts app's; this subclass adds the action here, above `audit`, so
the reset is recorded with its reason (accounts cannot record history). The action asks for
the reason on a confirmation page first; only administrators see or run it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin import UserAdmin
from accounts.models import User
from core.admin import acting_user
from core.validators import multi_line
from twofactor import services
from twofactor.permissions import can_reset_two_factor


class ResetReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivering"),
        help_text=_("Varför återställs tvåstegsinloggningen? Sparas i historiken."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[multi_line],
        error_messages={"required": _("Skriv varför tvåstegsinloggningen återställs.")},
    )


class TwoFactorUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    def has_reset_two_factor_permission(self, request: HttpRequest) -> bool:
        return can_reset_two_factor(acting_user(request))

    @admin.action(
        description=_("Återställ tvåstegsinloggning (ny app och nya reservkoder)"),
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(
        self, request: HttpRequest, queryset: models.QuerySet[User]
    ) -> TemplateResponse | None:
        form = ResetReasonForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Återställ tvåstegsinloggning"),
                "opts": self.model._meta,
                "form": form,
                "users": queryset,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/twofactor/reset_two_factor.html", context)
        self._reset(request, queryset, form.cleaned_data["reason"])
        return None

    def _reset(self, request: HttpRequest, queryset: models.QuerySet[User], reason: str) -> None:
        done = 0
        for user in queryset:
            try:
                services.reset_two_factor(user=user, reason=reason, by=acting_user(request))
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.ERROR)
        if done:
            text = ngettext(
                "Tvåstegsinloggningen återställdes för %(n)d användare. Vid nästa inloggning "
                "aktiverar de en app igen.",
                "Tvåstegsinloggningen återställdes för %(n)d användare. Vid nästa inloggning "
                "aktiverar de en app igen.",
                done,
            ) % {"n": done}
            self.message_user(request, text, messages.SUCCESS)


admin.site.unregister(User)
admin.site.register(User, TwoFactorUserAdmin)
