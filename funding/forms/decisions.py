"""Forms for recording decisions. The services check the rules (format, ceilings)."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.converters import IdConverter
from core.forms import DateField
from core.money import format_amount
from funding.models import DEFAULT_DECISION_BODY, Allocation, Decision, StateAid


class RateField(forms.DecimalField):
    """Kronor per euro as people type it: `11,5430` or `11.5430`; blank is no rate."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=4, required=False, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).replace(",", ".")
        return super().to_python(value)


class DecisionForm(forms.Form):
    body = forms.CharField(label=_("Beslutsorgan"), max_length=200, initial=DEFAULT_DECISION_BODY)
    meeting_date = DateField(label=_("Sammanträdesdatum"))
    paragraph = forms.IntegerField(
        label=_("Paragraf (§)"), min_value=1, max_value=99999, required=False
    )
    registration_number = forms.CharField(
        label=_("Diarienummer"),
        max_length=32,
        required=False,
        help_text=_("RS följt av sex siffror, t.ex. RS230456."),
    )
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    text = forms.CharField(
        label=_("Beslutstext"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    legal_basis = forms.CharField(
        label=_("Rättslig grund och statsstödsbedömning"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. bidrag, inte upphandling; bedömning av statsstöd."),
    )
    # State aid (issue 19): de minimis aid puts the regulation's statement, with the amount in
    # euro at this rate, into each agreement the decision stands behind.
    state_aid = forms.ChoiceField(
        label=_("Statsstöd"),
        choices=StateAid.choices,
        initial=StateAid.NONE,
        required=False,  # not given: not state aid
        widget=forms.RadioSelect,
    )
    eur_rate = RateField(
        label=_("Eurokurs (kronor per euro)"),
        help_text=_("Vid stöd av mindre betydelse: kursen vid beslutsdagen, t.ex. 11,5430."),
    )
    eur_rate_date = DateField(label=_("Eurokursens datum"), required=False)

    def clean_state_aid(self) -> str:
        return str(self.cleaned_data["state_aid"] or StateAid.NONE)

    def clean_eur_rate(self) -> Any:
        rate = self.cleaned_data["eur_rate"]
        if rate is not None and rate <= 0:
            raise ValidationError(_("Eurokursen måste vara större än 0."), code="min_value")
        return rate

    def clean_registration_number(self) -> str:
        return str(self.cleaned_data["registration_number"]).strip().upper()

    @classmethod
    def for_decision(cls, decision: Decision, data: Any = None) -> "DecisionForm":
        return cls(data, initial={name: getattr(decision, name) for name in cls.base_fields})


class AllocationsField(forms.ModelMultipleChoiceField[Allocation]):
    """Allocation ids as the URL converter takes them, checked before the database sees them.

    Django turns the posted ids into an `IN (...)` lookup, and on SQLite an id of 20 or more
    digits raised OverflowError, a server error (issue 13).
    """

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if not re.fullmatch(IdConverter.regex, str(pk)):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


class AddAllocationsForm(forms.Form):
    allocations = AllocationsField(
        label=_("Fördelningar som beslutet fastställer"),
        queryset=Allocation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["allocations"]
        field.queryset = choices  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.partner.display_name}, {a.programme.name}: {format_amount(a.amount)}"
        )


class ApproveForm(forms.Form):
    approved_on = DateField(label=_("Justerat den"))
