"""Forms for the budget pages. They parse and show errors; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.money import ZERO, format_input, parse_amount
from funding.selectors import EditorRow


class AmountField(forms.Field):
    """Whole kronor as Swedes type them (`3 000 000`); blank means 0 kr."""

    widget = forms.TextInput
    max_length = 40

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": str(self.max_length)}
        )

    def to_python(self, value: Any) -> Decimal:
        text = "" if value is None else str(value)
        if len(text) > self.max_length:
            raise ValidationError(_("Beloppet är för långt."), code="max_length")
        if not text.strip():
            return ZERO
        return parse_amount(text)


def amount_field_name(partner_id: int) -> str:
    return f"amount_{partner_id}"


def version_field_name(partner_id: int) -> str:
    return f"version_{partner_id}"


class AllocationsForm(forms.Form):
    """One amount per editable row, the version each row had when the page was shown, a reason."""

    reason = forms.CharField(
        label=_("Motivering (valfri)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sparas i historiken tillsammans med ändringen."),
    )

    def __init__(self, *args: Any, rows: list[EditorRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [row for row in rows if row.editable]
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

    def amount_field(self, row: EditorRow) -> forms.BoundField:
        return self[amount_field_name(row.partner.pk)]

    def amounts(self) -> dict[int, Decimal]:
        return {r.partner.pk: self.cleaned_data[amount_field_name(r.partner.pk)] for r in self.rows}

    def versions(self) -> dict[int, int]:
        return {
            r.partner.pk: self.cleaned_data[version_field_name(r.partner.pk)] for r in self.rows
        }

    def typed_amounts(self) -> dict[int, Decimal | None]:
        """For the live totals: each row's amount if it parses, else None. Needs is_valid()."""
        result: dict[int, Decimal | None] = {}
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
