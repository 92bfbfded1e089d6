"""The code fields of the second login step and of enrolment."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Engångskod"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Skriv koden.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        )


class SecondStepForm(CodeForm):
    """A six-digit code from the app, or a recovery code (eight characters): the field is not
    limited to six digits, nor numeric."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].help_text = _(
            "Sex siffror från autentiseringsappen, eller en av dina reservkoder."
        )


class EnrolmentForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].help_text = _("De sex siffror som appen visar.")
        self.fields["otp_token"].widget.attrs.update({"inputmode": "numeric"})
