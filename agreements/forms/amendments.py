"""Forms for an amendment (tillägg): why, the new terms, the payments still to be made and the
reporting no report has started on. They parse and show errors; the service decides."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.forms.agreements import (
    BLANK_ROWS,
    InstalmentFormSet,
    ReportFormSet,
    TermsForm,
    reason_field,
)
from agreements.models import AgreementAmendment
from core.money import format_input


class AmendmentStartForm(forms.Form):
    reason = reason_field(_("Skäl till ändringen"))
    reason.help_text = _(
        "Till exempel ett ändringsbeslut (§ och diarienummer) eller vad i villkoren som ändras. "
        "Skälet står i tillägget som parterna skriver under."
    )


class AmendmentTermsForm(TermsForm):
    reason = reason_field(_("Skäl till ändringen"))
    field_order = ["reason", "period_start", "period_end", "purpose", "conditions"]


class DiscardForm(forms.Form):
    reason = reason_field(_("Skäl till makuleringen"))


def amendment_plan_formset(amendment: AgreementAmendment, data: Any = None) -> Any:
    initial = [
        {
            "due_date": date.fromisoformat(i["due_date"]),
            "amount": format_input(Decimal(i["amount"])),
            "after_report": i.get("after_report") or "",
        }
        for i in amendment.instalments
    ]
    return InstalmentFormSet(data, initial=initial + [{}] * BLANK_ROWS, prefix="plan")


def amendment_report_formset(amendment: AgreementAmendment, data: Any = None) -> Any:
    initial = [
        {"description": r["description"], "due_date": date.fromisoformat(r["due_date"])}
        for r in amendment.reports
    ]
    return ReportFormSet(data, initial=initial + [{}] * BLANK_ROWS, prefix="reports")
