"""Forms for the budget pages. They parse and show errors; the services decide."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import AmountField, TextAreaField, add_service_errors
from core.money import format_input
from funding.selectors import EditorRow
from funding.services import Conflict, PartnerAmountError


def amount_field_name(partner_id: int) -> str:
    return f"amount_{partner_id}"


def version_field_name(partner_id: int) -> str:
    return f"version_{partner_id}"


@dataclass(frozen=True)
class AmountInput:
    """One editable row's amount input and hidden version, as plain values for the template.

    The editor shows up to one row per partner (300 and more): a BoundField and a widget
    rendered through the form renderer per cell cost ≈ 90 % of the page (docs/performance.md),
    so the template writes these inputs itself."""

    name: str
    id: str
    value: str
    errors: list[str]
    version_name: str
    version: str


def history_reason() -> TextAreaField:
    """Why the allocations change, saved in the history with the change (optional). The
    history's reason has no model validation of its own: the field's is the only one."""
    return TextAreaField(
        label=_("Motivering (valfri)"),
        required=False,
        max_length=1000,
        rows=2,
        help_text=_("Sparas i historiken tillsammans med ändringen."),
    )


class AllocationsForm(forms.Form):
    """One amount per editable row, the version each row had when the page was shown, a reason.

    The fields of the rows exist only when the form is bound (to validate what was sent); the
    page is drawn from `amount_inputs()`."""

    reason = history_reason()

    def __init__(self, *args: Any, rows: list[EditorRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.editable]
        if not self.is_bound:
            return
        for row in self.rows:
            pid = row.partner.pk
            self.fields[amount_field_name(pid)] = AmountField(
                label=row.partner.display_name,
                initial=format_input(row.amount) if row.amount is not None else "",
            )
            self.fields[version_field_name(pid)] = forms.IntegerField(
                widget=forms.HiddenInput, initial=row.version, min_value=0
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(version_field_name(r.partner.pk) in self.errors for r in self.rows):
            raise ValidationError(_("Sidan är inaktuell. Ladda om den och försök igen."))
        return cleaned

    def add_service_error(self, error: ValidationError) -> None:
        """A service's refusal: next to the partner's amount when it names a partner."""
        if isinstance(error, PartnerAmountError):
            self.add_error(amount_field_name(error.partner_id), error.messages)
        else:
            add_service_errors(self, error)

    def with_versions_of(
        self, conflicts: list[Conflict], rows: list[EditorRow]
    ) -> "AllocationsForm":
        """After a conflict: what was typed, with the hidden versions moved to what is saved
        now, so saving again after reading the message is a deliberate overwrite."""
        data = dict(self.data.items())  # one value per field in this form
        for conflict in conflicts:
            data[version_field_name(conflict.partner.pk)] = str(conflict.current_version)
        form = AllocationsForm(data, rows=rows)
        form.is_valid()
        return form

    def amount_inputs(self) -> dict[int, AmountInput]:
        """Each editable row's input by partner id: what was sent and its errors when bound
        (call is_valid() first), else the saved amount and version."""
        errors = self.errors if self.is_bound else {}
        inputs = {}
        for row in self.rows:
            pid = row.partner.pk
            name, version_name = amount_field_name(pid), version_field_name(pid)
            if self.is_bound:
                value, version = self.data.get(name, ""), self.data.get(version_name, "")
            else:
                value = format_input(row.amount) if row.amount is not None else ""
                version = str(row.version)
            inputs[pid] = AmountInput(
                name=name,
                id=f"id_{name}",
                value=value,
                errors=[str(error) for error in errors.get(name, [])],
                version_name=version_name,
                version=version,
            )
        return inputs

    def amounts(self) -> dict[int, Decimal]:
        return {r.partner.pk: self.cleaned_data[amount_field_name(r.partner.pk)] for r in self.rows}

    def versions(self) -> dict[int, int]:
        return {
            r.partner.pk: self.cleaned_data[version_field_name(r.partner.pk)] for r in self.rows
        }

    def typed_amounts(self) -> dict[int, Decimal | None]:
        """For the live totals: each row's amount if it parses, else None (empty when the form
        is not bound: the page as saved). Needs is_valid() on a bound form."""
        result: dict[int, Decimal | None] = {}
        if not self.is_bound:
            return result
        for row in self.rows:
            name = amount_field_name(row.partner.pk)
            result[row.partner.pk] = None if name in self.errors else self.cleaned_data.get(name)
        return result


class StartYearForm(forms.Form):
    copy_amounts = forms.BooleanField(
        label=_("Kopiera årets belopp som utkast"),
        required=False,
        initial=True,
    )
