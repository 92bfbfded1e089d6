"""The finance system's file of payments made, read row by row (issue 15, design §4 wf 8).

A CSV with a header row; columns found by name, in any order: `Referens` (the agreement),
`Utbetalning nr`, `Utbetald` (YYYY-MM-DD), and optionally `Referens i ekonomisystemet` (or
`Verifikation`) and `Belopp (kr)`, which must then match the instalment. Semicolon, comma or tab
separated; UTF-8 (with or without BOM) or Windows-1252 as Excel saves it in Sweden. Every row is
checked and every wrong row is named; nothing is booked unless all rows are right.
"""

import csv
import io
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.services import PaidRow
from core.money import parse_amount
from core.validators import single_line

IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 5000
COLUMNS = {
    "referens": "reference",
    "utbetalning nr": "number",
    "utbetald": "paid_on",
    "referens i ekonomisystemet": "finance_reference",
    "verifikation": "finance_reference",
    "belopp (kr)": "amount",
    "belopp": "amount",
}
REQUIRED = ("reference", "number", "paid_on")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _row(line: int, values: dict[str, str]) -> PaidRow:
    """One row, or ValidationError saying what is wrong with it."""
    reference = values["reference"].strip().upper()
    number = values["number"].strip()
    if not number.isascii() or not number.isdigit() or not 0 < int(number) < 100:
        raise ValidationError(_("utbetalningens nummer ska vara ett heltal, t.ex. 1"))
    try:
        paid_on = date.fromisoformat(values["paid_on"].strip())
    except ValueError:
        raise ValidationError(_("datumet ska skrivas ÅÅÅÅ-MM-DD, t.ex. 2024-09-12")) from None
    finance_reference = values.get("finance_reference", "").strip()
    if len(finance_reference) > 64:
        raise ValidationError(_("referensen i ekonomisystemet är längre än 64 tecken"))
    single_line(finance_reference)
    single_line(reference)
    amount = parse_amount(values["amount"]) if values.get("amount", "").strip() else None
    return PaidRow(
        line=line,
        reference=reference[:60],
        number=int(number),
        paid_on=paid_on,
        finance_reference=finance_reference,
        amount=amount,
    )


def parse_paid_file(raw: bytes) -> list[PaidRow]:
    text = _decode(raw)
    if "\x00" in text:
        raise ValidationError(_("Filen är inte en textfil (CSV)."))
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [COLUMNS.get(h.strip().lower()) for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(
            _("Filen saknar kolumnerna Referens, Utbetalning nr och Utbetald på första raden.")
        )
    rows: list[PaidRow] = []
    errors: list[str] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(rows) + len(errors) >= IMPORT_MAX_ROWS:
            raise ValidationError(_("Filen har fler än %(n)s rader.") % {"n": IMPORT_MAX_ROWS})
        values = {k: v for k, v in zip(header, cells, strict=False) if k}
        try:
            rows.append(_row(line, {c: values.get(c, "") for c in (*REQUIRED, *values)}))
        except ValidationError as error:
            errors.append(
                _("Rad %(line)s: %(error)s") % {"line": line, "error": " ".join(error.messages)}
            )
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("Filen har inga rader att bokföra."))
    return rows


class PaidImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil från ekonomisystemet (CSV)"),
        help_text=gettext_lazy(
            "Kolumner: Referens, Utbetalning nr, Utbetald (ÅÅÅÅ-MM-DD) och gärna Referens i "
            "ekonomisystemet och Belopp (kr). Semikolon- eller kommaseparerad."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Jag har kontrollerat att filen kommer från ekonomisystemet. Bokföringen kan inte "
            "ångras."
        ),
        error_messages={"required": gettext_lazy("Kryssa i att du har kontrollerat filen.")},
    )

    def clean_file(self) -> list[PaidRow]:
        upload: Any = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(_("Filen är för stor (högst 1 MB)."))
        return parse_paid_file(upload.read())
