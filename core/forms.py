"""Form pieces every app's pages and admin share: amounts as Swedes type them, and a service's
refusal shown where it belongs."""

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from core.money import ZERO, parse_amount
from core.validators import multi_line, single_line

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class AmountField(forms.Field):
    """Whole kronor as Swedes type them (`3 000 000`); blank means 0 kr, unless the field is
    required (`required=True`): then blank is refused, never read as 0 kr."""

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
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return ZERO
        return parse_amount(text)


class SwedishDecimalField(forms.DecimalField):
    """A decimal as people type it: `1 200`, `12,5` or `12.5` (spaces of any kind, a comma or a
    point); blank is no value."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split()).replace(",", ".")
        return super().to_python(value)


class QuantityField(SwedishDecimalField):
    """A key figure: `1 200`, `12,5` or `12.5`; blank is no value."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(max_digits=14, decimal_places=2, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            places = 0 if value == value.to_integral_value() else 2
            return str(value.quantize(Decimal(1).scaleb(-places))).replace(".", ",")
        return value


class LineField(forms.CharField):
    """One line of text as typed: no line breaks or control characters (single_line)."""

    default_validators = [single_line]


class TextAreaField(forms.CharField):
    """A few lines of free text in a text area of `rows` rows: no control characters other than
    line breaks and tabs (multi_line)."""

    default_validators = [multi_line]

    def __init__(self, *, rows: int, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)


def is_removed(form: forms.BaseForm) -> bool:
    """The row's "Ta bort" (the formset's DELETE field) is ticked."""
    return DELETION_FIELD_NAME in form.fields and bool(form[DELETION_FIELD_NAME].value())


def planned_rows[Row: DataclassInstance](
    formset: Any, row: type[Row], *, kept_if: str
) -> list[Row]:
    """What a valid table of rows (a formset) plans: one `row` per form with `kept_if` filled
    in and "Ta bort" not ticked, each of the dataclass' fields from the form's field of that
    name."""
    names = [field.name for field in dataclasses.fields(row)]
    return [
        row(**{name: form.cleaned_data.get(name) for name in names})
        for form in formset.forms
        if not is_removed(form) and form.cleaned_data.get(kept_if)
    ]


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and shows ISO dates (2024-10-22)."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateField(forms.DateField):
    """A date as the date picker sends it, ISO only. The Swedish locale's input formats also
    take "%m/%d/%Y", so a typed 05/06/2024 (5 June to a Swede) was saved as 6 May."""

    widget = DateInput
    input_formats = ["%Y-%m-%d"]


class DesignSystemRenderer(TemplatesSetting):
    """Django's form rendering with the design system's field markup (templates/forms/field.html):
    label, hint, the error next to the field and the control with the system's classes, for every
    `{{ field.as_field_group }}` and `{{ form }}` (settings.FORM_RENDERER)."""

    field_template_name = "forms/field.html"
