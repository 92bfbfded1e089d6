"""The official's proposal of a new amount for a decided allocation (issue 17)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField


class AmendmentForm(forms.Form):
    amount = AmountField(label=_("Nytt belopp (kr)"), required=True)
    reason = forms.CharField(
        label=_("Skäl till ändringen"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visas i beslutsunderlaget och sparas i historiken."),
    )
