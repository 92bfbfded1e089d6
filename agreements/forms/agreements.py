"""Forms for drafting, signing and paying agreements. They parse and show errors; services
decide."""

from typing import Any, Self

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.passwords import password_is_correct
from agreements.models import Agreement, AgreementAmendment
from agreements.services import PlannedIndicator, PlannedInstalment, PlannedReport
from core.forms import (
    AmountField,
    DateField,
    LineField,
    QuantityField,
    TextAreaField,
    planned_rows,
)
from core.money import format_input
from core.uploads import UnsupportedFile, check_pdf


class TermsForm(forms.Form):
    period_start = DateField(label=_("Period från"))
    period_end = DateField(label=_("Period till"))
    purpose = forms.CharField(
        label=_("Syfte"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    conditions = forms.CharField(
        label=_("Villkor"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("Perioden kan inte sluta före den börjar."))
        return cleaned

    @classmethod
    def for_terms(cls, terms: Agreement | AgreementAmendment, data: Any = None) -> Self:
        """Filled in from an agreement's terms, or an amendment's: each field is one of its
        attributes."""
        return cls(data, initial={name: getattr(terms, name) for name in cls.base_fields})


MAX_REPORT_ROWS = 24
AFTER_REPORT_CHOICES = [("", _("Nej")), *((str(n), str(n)) for n in range(1, MAX_REPORT_ROWS + 1))]


class InstalmentForm(forms.Form):
    due_date = DateField(label=_("Utbetalas"), required=False)
    amount = AmountField(label=_("Belopp (kr)"))
    after_report = forms.TypedChoiceField(
        label=_("Efter godkänd rapport nr"),
        choices=AFTER_REPORT_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("amount") and not cleaned.get("due_date"):
            self.add_error("due_date", _("Ange när beloppet betalas ut."))
        return cleaned


class ReportForm(forms.Form):
    # A sentence or two ("Verksamhetsberättelse och ekonomisk redovisning för 2024"): a text
    # area the width of its column, so the whole description shows (issue 19).
    description = forms.CharField(
        label=_("Vad ska rapporteras"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    due_date = DateField(label=_("Senast"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("description") and not cleaned.get("due_date"):
            self.add_error("due_date", _("Ange när rapporten ska lämnas."))
        if cleaned.get("due_date") and not cleaned.get("description"):
            self.add_error("description", _("Beskriv vad som ska rapporteras."))
        return cleaned


class IndicatorForm(forms.Form):
    name = LineField(label=_("Nyckeltal"), max_length=200, required=False)
    unit = LineField(label=_("Enhet"), max_length=40, required=False)
    target = QuantityField(label=_("Mål"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("name") and not cleaned.get("unit"):
            self.add_error("unit", _("Ange enheten, t.ex. företag eller personer."))
        if not cleaned.get("name") and (cleaned.get("unit") or cleaned.get("target") is not None):
            self.add_error("name", _("Ange nyckeltalets namn."))
        return cleaned


# One empty row to start with; "Lägg till rad" adds more and "Ta bort" removes any
# (agreements.forms.rows).
BLANK_ROWS = 1


class RowsFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """A table of rows, each with a "Ta bort" checkbox."""

    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = _("Ta bort")


def _rows(form: type[forms.Form], max_num: int) -> Any:
    return forms.formset_factory(
        form, formset=RowsFormSet, extra=0, max_num=max_num, validate_max=True, can_delete=True
    )


InstalmentFormSet = _rows(InstalmentForm, 24)
ReportFormSet = _rows(ReportForm, MAX_REPORT_ROWS)
IndicatorFormSet = _rows(IndicatorForm, 12)


def instalment_formset(agreement: Agreement, data: Any = None) -> Any:
    position = {
        r.pk: n
        for n, r in enumerate(agreement.reporting_requirements.order_by("due_date", "pk"), 1)
    }
    initial = [
        {
            "due_date": i.due_date,
            "amount": format_input(i.amount),
            "after_report": position.get(i.after_report_id or 0, ""),
        }
        for i in agreement.instalments.all()
    ]
    formset = InstalmentFormSet(data, initial=initial + [{}] * BLANK_ROWS, prefix="plan")
    return formset


def report_formset(agreement: Agreement, data: Any = None) -> Any:
    initial = [
        {"description": r.description, "due_date": r.due_date}
        for r in agreement.reporting_requirements.all()
    ]
    return ReportFormSet(data, initial=initial + [{}] * BLANK_ROWS, prefix="reports")


def indicator_formset(agreement: Agreement, data: Any = None) -> Any:
    initial = [
        {"name": i.name, "unit": i.unit, "target": i.target} for i in agreement.indicators.all()
    ]
    return IndicatorFormSet(data, initial=initial + [{}] * BLANK_ROWS, prefix="indicators")


def planned_instalments(formset: Any) -> list[PlannedInstalment]:
    return planned_rows(formset, PlannedInstalment, kept_if="due_date")


def planned_indicators(formset: Any) -> list[PlannedIndicator]:
    return planned_rows(formset, PlannedIndicator, kept_if="name")


def planned_reports(formset: Any) -> list[PlannedReport]:
    return planned_rows(formset, PlannedReport, kept_if="description")


class SignForm(forms.Form):
    """Signing re-authenticates: the signatory types their password again."""

    password = forms.CharField(
        label=_("Ditt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Skriv ditt lösenord igen för att bekräfta att det är du som skriver under."),
    )
    confirm = forms.BooleanField(
        label=_("Jag har läst överenskommelsen och skriver under den."), required=True
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Counted by django-axes like a login: wrong passwords lock the signing out too.
        if not password_is_correct(self.request, self.user, password):
            raise ValidationError(_("Lösenordet stämmer inte."), code="wrong_password")
        return password


def reason_field(label: Any, *, required: Any = None) -> TextAreaField:
    """Why a step is taken (terminating, discarding, amending): a few lines, up to 2 000
    characters; `required`, the message when it is left blank, if not Django's own."""
    error_messages = {"required": required} if required is not None else None
    return TextAreaField(label=label, max_length=2000, rows=3, error_messages=error_messages)


class TerminateForm(forms.Form):
    """Terminate a signed agreement: why, and what the partner pays back by when (both
    optional; terminate_agreement checks them against what was paid)."""

    # terminate_agreement saves the reason without model validation: refused here.
    reason = reason_field(
        _("Skäl till hävningen"), required=_("Ange skälet till att överenskommelsen hävs.")
    )
    recovery_amount = AmountField(
        label=_("Belopp att återkräva (kr)"),
        help_text=_("Lämna tomt om inget ska betalas tillbaka."),
    )
    recovery_due_date = DateField(label=_("Ska vara återbetalt senast"), required=False)


class DiscardForm(forms.Form):
    """Discard an agreement that is not yet in force: why."""

    reason = reason_field(
        _("Skäl till makuleringen"), required=_("Ange skälet till att överenskommelsen makuleras.")
    )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("PDF-fil att kontrollera"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("Filen är för stor (högst %(mb)s MB).") % {"mb": self.max_bytes // (1024 * 1024)},
                code="too_large",
            )
        try:
            check_pdf(upload, upload.size)  # before the parser sees it: bounds the work
        except UnsupportedFile as refused:
            if str(refused) == "unknown":
                raise ValidationError(_("Filen är inte en PDF."), code="not_pdf") from None
            raise ValidationError(
                _("Filen är inte en hel PDF: slutet saknas. Ladda upp filen som du fick den."),
                code="truncated",
            ) from None
        return upload


class ReleaseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag attesterar utbetalningen. Det kan inte ångras."), required=True
    )


class BookPaidForm(forms.Form):
    paid_on = DateField(label=_("Utbetald den"))
    finance_reference = LineField(
        label=_("Referens i ekonomisystemet"), max_length=64, required=False
    )
