"""The file formats themselves: typed Excel cells, CSV that Swedish Excel opens, no formulas."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from openpyxl import load_workbook

from exports.tables import Column, Kind, Table
from exports.writers import csv_lines, defuse, write_xlsx


@dataclass
class Row:
    name: str
    amount: Decimal
    due: date | None
    count: int


COLUMNS = (
    Column("Partner", Kind.TEXT, lambda r: r.name),
    Column("Belopp (kr)", Kind.AMOUNT, lambda r: r.amount),
    Column("Utbetalas", Kind.DATE, lambda r: r.due),
    Column("Antal", Kind.NUMBER, lambda r: r.count),
)
ROWS = [
    Row("Connect Väst", Decimal("1500000"), date(2024, 3, 1), 2),
    Row('=HYPERLINK("http://evil.example","x")', Decimal("3000000"), None, 1),
    Row("+46 35 13 48 00; med semikolon", Decimal("0"), date(2024, 12, 31), 0),
]


def table() -> Table:
    return Table("rows", "rader", "Fördelningar", COLUMNS, ROWS)


def test_defuse_prefixes_only_what_a_spreadsheet_would_run() -> None:
    assert defuse("=1+1") == "'=1+1"
    assert defuse("@SUM(A1)") == "'@SUM(A1)"
    assert defuse("-2") == "'-2"
    assert defuse("\tx") == "'\tx"
    assert defuse("Hallands Matgille") == "Hallands Matgille"
    assert defuse("a=b") == "a=b"


def test_csv_is_utf8_with_bom_semicolons_and_decimal_comma() -> None:
    data = b"".join(csv_lines(table()))
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Swedish Excel needs for UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Partner", "Belopp (kr)", "Utbetalas", "Antal"]
    assert rows[1] == ["Connect Väst", "1500000", "2024-03-01", "2"]
    # A formula becomes text; an empty date an empty field; a semicolon is quoted, not split.
    assert rows[2] == ['\'=HYPERLINK("http://evil.example","x")', "3000000", "", "1"]
    assert rows[3] == ["'+46 35 13 48 00; med semikolon", "0", "2024-12-31", "0"]
    assert len(rows) == 4


def test_csv_amounts_with_ore_use_a_decimal_comma() -> None:
    odd = Table("t", "t", "t", COLUMNS[1:2], [Row("x", Decimal("1234.50"), None, 0)])
    assert b"".join(csv_lines(odd)).decode("utf-8-sig").splitlines()[1] == "1234,50"


def test_xlsx_numbers_and_dates_are_typed_and_text_is_never_a_formula() -> None:
    buffer = io.BytesIO()
    write_xlsx([table()], buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Fördelningar"]
    assert [c.value for c in sheet[1]] == ["Partner", "Belopp (kr)", "Utbetalas", "Antal"]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    amount, due, count = sheet["B2"], sheet["C2"], sheet["D2"]
    assert (amount.data_type, amount.value, amount.number_format) == ("n", 1500000, "#,##0")
    assert (due.data_type, due.value, due.number_format) == (
        "d",
        datetime(2024, 3, 1),  # noqa: DTZ001 - Excel dates have no time zone
        "yyyy-mm-dd",
    )
    assert (count.data_type, count.value) == ("n", 2)
    formula = sheet["A3"]
    assert formula.data_type == "s"
    assert formula.value == '=HYPERLINK("http://evil.example","x")'
    assert sheet["C3"].value is None
    assert sum(cast(int, sheet.cell(row=r, column=2).value) for r in range(2, 5)) == 4500000
    # No formula element anywhere in the sheet's XML.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml


def test_xlsx_sheet_names_fit_excels_limit() -> None:
    long = Table("t", "t", "Ett mycket långt namn på en flik i arbetsboken", COLUMNS, [])
    buffer = io.BytesIO()
    write_xlsx([long], buffer)
    (name,) = load_workbook(io.BytesIO(buffer.getvalue())).sheetnames
    assert len(name) == 31
