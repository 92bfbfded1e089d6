"""Forms for reports: the partner's report (narrative, key figures, files) and the review."""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from agreements.models import Indicator
from core.forms import QuantityField, TextAreaField

ACCEPT = (
    "application/pdf,.pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,.docx,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,.xlsx"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportWriteForm(forms.Form):
    """The partner's report. One value field per key figure of the agreement: `value_<id>`."""

    narrative = TextAreaField(
        label=_("Redogörelse"),
        max_length=50000,
        required=False,
        rows=12,
        help_text=_("Vad verksamheten har gjort och uppnått under perioden."),
    )
    attachments = MultipleFileField(label=_("Lägg till bilagor"), required=False)

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        mb = settings.REPORT_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["attachments"].help_text = _(
            "PDF, Word (.docx) eller Excel (.xlsx), högst %(mb)s MB per fil. "
            "Till exempel verksamhetsberättelse, ekonomisk redovisning och årsredovisning."
        ) % {"mb": mb}
        self.fields["attachments"].widget.attrs["data-max-bytes"] = (
            settings.REPORT_ATTACHMENT_MAX_BYTES
        )
        for indicator in indicators:
            target = (
                _("Mål: %(target)s %(unit)s.")
                % {"target": _number(indicator.target), "unit": indicator.unit}
                if indicator.target is not None
                else ""
            )
            self.fields[f"value_{indicator.pk}"] = QuantityField(
                label=f"{indicator.name} ({indicator.unit})", help_text=target
            )

    def value_fields(self) -> list[forms.BoundField]:
        return [self[f"value_{i.pk}"] for i in self.indicators]

    def values(self) -> dict[int, Any]:
        return {i.pk: self.cleaned_data.get(f"value_{i.pk}") for i in self.indicators}


def _number(value: Decimal) -> str:
    """A target as people write it: 1 200, or 12,5 (no ",00" on whole numbers)."""
    places = 0 if value == value.to_integral_value() else 2
    return str(formats.number_format(value, places, force_grouping=True))


class ApproveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jag har granskat återrapporten och godkänner den. Det kan inte ångras."),
        required=True,
    )


class ReturnForm(forms.Form):
    comment = TextAreaField(
        label=_("Vad ska partnern komplettera?"),
        max_length=10000,
        rows=4,
        error_messages={"required": _("Skriv vad partnern behöver komplettera.")},
    )
