"""The year's split as a file (issue 19): a CSV or Excel sheet of partner and amount per row, as
officials prepare it in Excel, read and compared with the saved amounts. Nothing here writes:
the official confirms what `compare_with_saved` shows, and the confirmation saves through
`set_allocations`, as a draft with its usual rules and history.

The file: a header row naming the columns, then one row per partner. `Partner` (the name as
on the partner page, or the legal name) and/or `Organisationsnummer`; `Belopp` in kronor as
typed in Sweden ("1 850 000", "1850000", "1850000,00"). A CSV is separated by semicolons or
commas (or tabs), in UTF-8 with or without BOM (Windows-1252 as an older Excel saves it is
read too). An .xlsx is read from its first sheet. Every wrong row is named by its number, and a
file with any wrong row changes nothing.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import ZERO, parse_amount
from core.uploads import UnsupportedFile, detect_kind
from funding.models import Programme
from funding.selectors import EditorRow
from partners.models import Partner

UPLOAD_MAX_BYTES = 2 * 1024 * 1024
UPLOAD_MAX_ROWS = 2000
UPLOAD_MAX_COLUMNS = 30
TOKEN_MAX_AGE = 60 * 60  # seconds a shown comparison may be confirmed
SIGNING_SALT = "funding.allocation-upload"  # separates these signatures from others

NAME_COLUMNS = {"partner", "namn", "partnerorganisation", "organisation", "name"}
NUMBER_COLUMNS = {"organisationsnummer", "orgnr", "org.nr", "org nr", "org. nr"}
AMOUNT_COLUMNS = {"belopp", "belopp (kr)", "belopp kr", "kronor", "amount"}


@dataclass(frozen=True)
class UploadedAmount:
    """One partner's row of the file compared with what is saved."""

    line: int
    partner: Partner
    saved: Decimal | None
    new: Decimal
    version: int

    @property
    def difference(self) -> Decimal:
        return self.new - (self.saved or ZERO)

    @property
    def changes(self) -> bool:
        return self.new != (self.saved or ZERO)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _org_digits(text: str) -> str | None:
    """The ten digits of an organisation number ("802456-1234", "8024561234", or with the
    century: "16802456-1234"); None when the text is not one."""
    if not re.fullmatch(r"[0-9]{6,8}-?[0-9]{4}", text.strip()):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    return digits[-10:] if len(digits) in (10, 12) else None


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ValidationError(_("Filen är varken en CSV-fil eller en Excelfil (.xlsx)."))
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _cell(value: Any) -> str:
    """An Excel cell as text: numbers as digits (an amount cell is a number), never a float's
    rounding: 1850000.0 is "1850000.0", which parse_amount reads as whole kronor."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only when a sheet is uploaded: it is slow to import

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ValidationError(_("Excelfilen kunde inte läsas.")) from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(max_col=UPLOAD_MAX_COLUMNS, values_only=True):
            yield [_cell(v) for v in values]
    finally:
        book.close()


def _rows(raw: bytes) -> Iterator[list[str]]:
    if raw.startswith(b"PK\x03\x04"):
        try:
            kind = detect_kind(io.BytesIO(raw), len(raw))
        except UnsupportedFile:
            kind = ""
        if kind != "xlsx":
            raise ValidationError(_("Filen är varken en CSV-fil eller en Excelfil (.xlsx)."))
        return _xlsx_rows(raw)
    return _csv_rows(raw)


class _Partners:
    """Looks partners up by organisation number or name, among the editor's rows."""

    def __init__(self, rows: Sequence[EditorRow]) -> None:
        self.by_number: dict[str, EditorRow] = {}
        self.by_name: dict[str, list[EditorRow]] = {}
        for row in rows:
            number = _org_digits(row.partner.organisation_number or "")
            if number:
                self.by_number[number] = row
            names = {_normal(row.partner.display_name), _normal(row.partner.legal_name or "")}
            for name in names - {""}:
                self.by_name.setdefault(name, []).append(row)

    def find(self, name: str, number: str) -> EditorRow:
        for text in (number, name):
            digits = _org_digits(text)
            if digits:
                if digits in self.by_number:
                    return self.by_number[digits]
                raise ValidationError(
                    _("ingen aktiv partner har organisationsnumret %(n)s") % {"n": text.strip()}
                )
        found = self.by_name.get(_normal(name), [])
        if not name.strip():
            raise ValidationError(_("partner saknas"))
        if len(found) > 1:
            raise ValidationError(
                _("flera partner heter %(name)s: ange organisationsnumret") % {"name": name[:60]}
            )
        if not found:
            raise ValidationError(_("okänd partner: %(name)s") % {"name": name.strip()[:60]})
        return found[0]


def _columns(header: list[str]) -> dict[str, int]:
    where: dict[str, int] = {}
    for index, title in enumerate(header):
        name = _normal(title)
        for key, names in (("name", NAME_COLUMNS), ("number", NUMBER_COLUMNS)):
            if name in names:
                where.setdefault(key, index)
        if name in AMOUNT_COLUMNS:
            where.setdefault("amount", index)
    if "amount" not in where or not {"name", "number"} & set(where):
        raise ValidationError(
            _(
                "Filen ska ha kolumnerna Partner (eller Organisationsnummer) och Belopp på "
                "första raden."
            )
        )
    return where


def _one_row(cells: list[str], where: dict[str, int], partners: _Partners) -> tuple[Any, Decimal]:
    def cell(key: str) -> str:
        index = where.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    row = partners.find(cell("name"), cell("number"))
    amount = parse_amount(cell("amount"))
    if row.allocation is not None and row.allocation.is_decided and amount != row.amount:
        raise ValidationError(
            _("%(partner)s: beloppet är beslutat och kan bara ändras genom ett nytt beslut.")
            % {"partner": row.partner}
        )
    return row, amount


def read_allocation_file(*, raw: bytes, rows: Sequence[EditorRow]) -> list[UploadedAmount]:
    """The file's amounts compared with the saved ones, in the file's order; ValidationError
    listing every wrong row ("Rad 4: …") when any is wrong. Reads only: nothing is saved."""
    if len(raw) > UPLOAD_MAX_BYTES:
        raise ValidationError(_("Filen är för stor (högst 2 MB)."))
    lines = enumerate(_rows(raw), start=1)
    header = next(((n, cells) for n, cells in lines if any(c.strip() for c in cells)), None)
    if header is None:
        raise ValidationError(_("Filen är tom."))
    where = _columns(header[1])
    partners = _Partners(rows)
    found: list[UploadedAmount] = []
    first_line: dict[int, int] = {}
    errors: list[str] = []
    for line, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        if len(found) + len(errors) >= UPLOAD_MAX_ROWS:
            raise ValidationError(_("Filen har fler än %(n)s rader.") % {"n": UPLOAD_MAX_ROWS})
        try:
            row, amount = _one_row(cells, where, partners)
            if row.partner.pk in first_line:
                raise ValidationError(
                    _("%(partner)s finns redan på rad %(line)s")
                    % {"partner": row.partner, "line": first_line[row.partner.pk]}
                )
        except ValidationError as error:
            message = " ".join(error.messages).rstrip(".")
            errors.append(_("Rad %(line)s: %(error)s.") % {"line": line, "error": message})
            continue
        first_line[row.partner.pk] = line
        found.append(UploadedAmount(line, row.partner, row.amount, amount, row.version))
    if errors:
        raise ValidationError(errors)
    if not found:
        raise ValidationError(_("Filen har inga rader med partner och belopp."))
    return found


def pack_upload(*, programme: Programme, amounts: Sequence[UploadedAmount]) -> str:
    """The compared amounts, signed, to carry to the confirmation in a hidden field: a value
    changed in the browser breaks the signature. The versions make the save refuse rows that
    someone else changed after the comparison was shown."""
    return signing.dumps(
        {
            "programme": programme.pk,
            "amounts": {str(a.partner.pk): str(a.new) for a in amounts},
            "versions": {str(a.partner.pk): a.version for a in amounts},
        },
        salt=SIGNING_SALT,
        compress=True,
    )


def unpack_upload(*, token: str, programme: Programme) -> tuple[dict[int, Decimal], dict[int, int]]:
    """The amounts and versions `pack_upload` signed for this programme; ValidationError when
    the token is forged, for another programme, or older than an hour."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(
            _("Jämförelsen har gått ut eller är ändrad. Ladda upp filen igen.")
        ) from None
    if data.get("programme") != programme.pk:
        raise ValidationError(_("Jämförelsen gäller en annan ram. Ladda upp filen igen."))
    amounts = {int(k): Decimal(v) for k, v in data["amounts"].items()}
    versions = {int(k): int(v) for k, v in data["versions"].items()}
    return amounts, versions
