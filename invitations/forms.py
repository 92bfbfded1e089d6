"""The invitation forms and the password-reset request."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from core.forms import LineField
from invitations import services


class InvitationForm(forms.Form):
    first_name = LineField(label=_("Förnamn"), max_length=150)
    last_name = LineField(label=_("Efternamn"), max_length=150)
    # The address is also the username, which holds at most 150 characters.
    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=150,
        help_text=_("Inbjudan skickas hit. Adressen blir också personens användarnamn."),
    )
    title = LineField(
        label=_("Titel"),
        max_length=120,
        required=False,
        help_text=_("Visas vid underskrift, t.ex. Verksamhetsledare."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class StaffInvitationForm(InvitationForm):
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=[(Role.OFFICIAL, Role.OFFICIAL.label), (Role.SECRETARY, Role.SECRETARY.label)],
        widget=forms.RadioSelect,
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset request, but the e-mail is queued as a notice and sent by the task
    worker after the request, never by the request itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-postadress")
        self.fields["email"].help_text = _("Adressen som ditt konto är registrerat med.")

    def save(self, *args: Any, **kwargs: Any) -> None:
        services.request_password_reset(email=self.cleaned_data["email"])
