"""Forms for recording decisions. The services check the rules (format, ceilings)."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.converters import IdConverter
from core.forms import DateField, SwedishDecimalField
from core.money import format_amount
from funding.models import DEFAULT_DECISION_BODY, Allocation, Decision, LegalBasis, StateAid
from funding.selectors import decision_draws_on_state_funds

# What a grant to a partner for regional development usually rests on: offered, not assumed.
SUGGESTED_LEGAL_BASES = [
    LegalBasis.LOCAL_GOVERNMENT_ACT_2_1.value,
    LegalBasis.REGIONAL_DEVELOPMENT_ACT.value,
]


class RateField(SwedishDecimalField):
    """Kronor per euro as people type it: `11,5430` or `11.5430`; blank is no rate."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=9, decimal_places=4, required=False, **kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


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
        label=_("Beslutstext"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Skriver du ”enligt bilagan” står fördelningen i en bilaga till utdraget; annars "
            "står den i en tabell under beslutstexten."
        ),
    )
    legal_bases = forms.MultipleChoiceField(
        label=_("Rättslig grund"),
        choices=[c for c in LegalBasis.choices if c[0] != LegalBasis.REGIONAL_GROWTH_ORDINANCE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Välj minst ett lagrum som beslutet grundar sig på.")},
    )
    legal_basis = forms.CharField(
        label=_("Kommentar om rättslig grund och statsstöd"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. bidrag, inte upphandling; bedömning av statsstöd."),
    )
    memo_date = DateField(label=_("Tjänsteskrivelsens datum"), required=False)
    memo_registration_number = forms.CharField(
        label=_("Tjänsteskrivelsens diarienummer"),
        max_length=32,
        required=False,
        help_text=_("Beslutsunderlaget. RS följt av sex siffror."),
    )
    distribution = forms.CharField(
        label=_("Beslutet skickas till"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En mottagare per rad."),
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

    def __init__(self, *args: Any, state_funds: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if state_funds:
            # Förordningen (2017:583) is the basis only of the state 1:1 funds: offered when
            # the decision allocates them (and required then, by funding.services.decide).
            self.fields["legal_bases"].choices = LegalBasis.choices  # type: ignore[attr-defined]

    def clean_state_aid(self) -> str:
        return str(self.cleaned_data["state_aid"] or StateAid.NONE)

    def clean_eur_rate(self) -> Any:
        rate = self.cleaned_data["eur_rate"]
        if rate is not None and rate <= 0:
            raise ValidationError(_("Eurokursen måste vara större än 0."), code="min_value")
        return rate

    def clean_registration_number(self) -> str:
        return str(self.cleaned_data["registration_number"]).strip().upper()

    def clean_memo_registration_number(self) -> str:
        return str(self.cleaned_data["memo_registration_number"]).strip().upper()

    @classmethod
    def new(cls, data: Any = None) -> "DecisionForm":
        return cls(data, initial={"legal_bases": SUGGESTED_LEGAL_BASES})

    @classmethod
    def for_decision(cls, decision: Decision, data: Any = None) -> "DecisionForm":
        state_funds = decision_draws_on_state_funds(decision=decision) or (
            LegalBasis.REGIONAL_GROWTH_ORDINANCE in (decision.legal_bases or [])
        )
        initial = {name: getattr(decision, name) for name in cls.base_fields}
        return cls(data, initial=initial, state_funds=state_funds)


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
    """Justering (issue 19): who approved the minutes, the chair, and when the approval was
    posted on the notice board. funding.services.approve_decision checks the dates."""

    approved_on = DateField(label=_("Justerat den"))
    adjusters = forms.CharField(
        label=_("Justerare"),
        max_length=300,
        help_text=_("Den eller de som justerade protokollet, åtskilda med kommatecken."),
    )
    chair = forms.CharField(label=_("Ordförande"), max_length=200)
    posted_on = DateField(
        label=_("Anslaget på anslagstavlan den"),
        help_text=_(
            "Dagen då justeringen tillkännagavs på anslagstavlan. De tre veckorna för "
            "laglighetsprövning räknas från den dagen."
        ),
    )
