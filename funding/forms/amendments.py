"""The official's proposal of a new amount for a decided allocation (issue 17)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
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

    def clean_amount(self) -> Decimal:
        # AmountField reads a blank as 0 kr (the allocation editor's rule); a proposed new
        # amount must be typed, so that nobody proposes 0 kr by leaving the field empty.
        if not str(self.data.get(self.add_prefix("amount"), "")).strip():
            raise ValidationError(self.fields["amount"].error_messages["required"], "required")
        amount: Decimal = self.cleaned_data["amount"]
        return amount
