"""The allocation upload's two steps (issue 19): the file, then the confirmation of what it
changes. The file is read by funding.services.upload; these forms only take it in."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from funding.forms.budget import history_reason
from funding.services.upload import UPLOAD_MAX_BYTES


class AllocationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil med fördelningen (CSV eller Excel)"),
        help_text=_(
            "Första raden: kolumnerna Partner (eller Organisationsnummer) och Belopp. Sedan en "
            "rad per partner, till exempel Coompanion;1 850 000. Högst 2 MB."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self) -> bytes:
        upload: Any = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError(_("Filen är för stor (högst 2 MB)."))
        return bytes(upload.read())


class AllocationUploadConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=200_000)
    reason = history_reason()
