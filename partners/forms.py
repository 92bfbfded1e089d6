"""Forms for officials keeping a partner's data: legal data, payment details, contacts."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import LineField, TextAreaField, planned_rows
from invitations.forms import InvitationForm
from partners.models import LegalForm, Partner, PaymentMethod, phone_validator
from partners.services import Contact
from partners.validators import normalise_giro_number, validate_giro_number


class PartnerDataForm(forms.Form):
    legal_name = LineField(label=_("Juridiskt namn"), max_length=200)
    organisation_number = LineField(
        label=_("Organisationsnummer"), max_length=20, required=False, help_text=_("NNNNNN-NNNN")
    )
    legal_form = forms.ChoiceField(
        label=_("Juridisk form"), choices=[("", "–"), *LegalForm.choices], required=False
    )
    street_address = LineField(label=_("Gatuadress"), max_length=200, required=False)
    postal_code = LineField(label=_("Postnummer"), max_length=10, required=False)
    city = LineField(label=_("Ort"), max_length=100, required=False)
    # Issue 19: invented details are marked Exempeldata in the agreement PDF; an official who
    # enters the real ones clears this.
    legal_details_are_example_data = forms.BooleanField(
        label=_("Organisationsnummer och adress är exempeldata"),
        required=False,
        help_text=_("Påhittade för demonstration: märks Exempeldata där de visas."),
    )
    website = forms.URLField(label=_("Webbplats"), required=False, assume_scheme="https")
    description = TextAreaField(
        label=_("Kort beskrivning"), max_length=2000, required=False, rows=3
    )

    @classmethod
    def for_partner(cls, partner: Partner, data: Any = None) -> "PartnerDataForm":
        return cls(data, initial={name: getattr(partner, name) for name in cls.base_fields})


class PaymentDetailsForm(forms.Form):
    payment_method = forms.ChoiceField(
        label=_("Betalsätt"), choices=[("", "–"), *PaymentMethod.choices], required=False
    )
    payment_account = LineField(
        label=_("Bankgiro- eller plusgironummer"), max_length=20, required=False
    )
    payment_reason = LineField(
        label=_("Hur kontrollerades uppgiften?"),
        max_length=500,
        required=False,
        help_text=_(
            "Krävs när betalningsuppgifterna ändras, t.ex. ”Bekräftat av firmatecknare per "
            "telefon 2024-05-02”. Ändrade kontouppgifter är ett vanligt sätt att lura till sig "
            "pengar."
        ),
    )

    def __init__(self, *args: Any, partner: Partner, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "payment_method": partner.payment_method,
                "payment_account": partner.payment_account_display,
            },
        )
        super().__init__(*args, **kwargs)
        self.partner = partner

    def changed(self) -> bool:
        return self.has_changed() and bool(
            {"payment_method", "payment_account"} & set(self.changed_data)
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        method, account = cleaned.get("payment_method", ""), cleaned.get("payment_account", "")
        if method and account:
            try:  # the service checks it too; here the message lands next to the field
                validate_giro_number(method, normalise_giro_number(account))
            except ValidationError as error:
                self.add_error("payment_account", error)
        elif method or account:
            self.add_error(
                "payment_account" if method else "payment_method",
                _("Ange både betalsätt och nummer, eller inget av dem."),
            )
        if self.changed() and not cleaned.get("payment_reason", "").strip():
            self.add_error("payment_reason", _("Skriv hur de nya uppgifterna kontrollerades."))
        return cleaned


class ContactForm(forms.Form):
    name = LineField(label=_("Namn"), max_length=200, required=False)
    role = LineField(label=_("Roll"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    phone = LineField(
        label=_("Telefon"), max_length=40, required=False, validators=[phone_validator]
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        others = any(cleaned.get(f) for f in ("role", "email", "phone"))
        if others and not cleaned.get("name"):
            self.add_error("name", _("Ange kontaktpersonens namn."))
        return cleaned


ContactFormSet = forms.formset_factory(ContactForm, extra=0, max_num=12, validate_max=True)
BLANK_ROWS = 2


def contact_formset(partner: Partner, data: Any = None) -> Any:
    initial = [
        {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone}
        for c in partner.contacts.all()
    ]
    return ContactFormSet(data, initial=initial + [{}] * BLANK_ROWS, prefix="contacts")


def planned_contacts(formset: Any) -> list[Contact]:
    return planned_rows(formset, Contact, kept_if="name")


class PartnerInvitationForm(InvitationForm):
    is_signatory = forms.BooleanField(
        label=_("Får skriva under överenskommelser för organisationen (firmatecknare)"),
        required=False,
    )
