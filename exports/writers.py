"""Tables to files Swedish offices open: Excel workbooks and CSV that Swedish Excel reads.

- Excel (.xlsx, openpyxl): amounts and dates are typed cells (numbers and dates, not text), so
  they sum and sort; text is always a text cell, never a formula.
- CSV: UTF-8 with a byte order mark and semicolons between fields, as Excel with Swedish
  regional settings expects (without the BOM it reads UTF-8 as Windows-1252 and "Väst"
  becomes "VÃ¤st"; with commas it puts a whole row in one cell). Amounts have no grouping and a
  decimal comma. A text field that a spreadsheet would run as a formula is defused with a
  leading apostrophe (OWASP, "CSV injection"): partner names and decision titles are typed by
  people outside the region too.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as ExcelCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.money import is_whole_kronor
from exports.tables import Cell, Kind, Table

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula or command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0"  # Excel shows the grouping of the reader's locale: 3 000 000
DATE_FORMAT = "yyyy-mm-dd"
SHEET_NAME_MAX = 31  # Excel's limit
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def defuse(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _csv_field(kind: Kind, value: Cell) -> str:
    if value is None:
        return ""
    if kind is Kind.AMOUNT and isinstance(value, Decimal | int):
        return format(Decimal(value), "f").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


def csv_lines(table: Table) -> Iterable[bytes]:
    """The table as CSV, line by line (a StreamingHttpResponse sends each as it comes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([defuse(str(c.header)) for c in table.columns])
    kinds = [c.kind for c in table.columns]
    yield "\ufeff".encode() + buffer.getvalue().encode()
    for values in table.values():
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_field(k, v) for k, v in zip(kinds, values, strict=True)])
        yield buffer.getvalue().encode()


def _xlsx_cell(sheet: Worksheet, kind: Kind, value: Cell) -> ExcelCell:
    if kind is Kind.AMOUNT and isinstance(value, Decimal) and is_whole_kronor(value):
        value = int(value)  # whole kronor: written as an integer, not "3000000.0"
    # openpyxl writes Decimal and date cells too; its stubs list fewer types than it takes.
    typed: Any = value
    cell = WriteOnlyCell(sheet, value=xlsx_text(typed) if isinstance(typed, str) else typed)
    if kind is Kind.AMOUNT:
        cell.number_format = AMOUNT_FORMAT
    elif kind is Kind.DATE:
        cell.number_format = DATE_FORMAT
    elif kind is Kind.TEXT and value is not None:
        # openpyxl makes any string starting with "=" a formula; text stays text here.
        cell.value = xlsx_text(value)
        cell.data_type = "s"
    return cell


def xlsx_text(value: object) -> str:
    """Text as a spreadsheet cell can hold it. XML 1.0 has no control characters, and openpyxl
    refuses them: one stored name with a vertical tab made the year's export fail for everyone
    (issue 13). New text is refused at input (core.validators); what is stored is still written,
    each such character as U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def write_xlsx(tables: Iterable[Table], out: BinaryIO) -> None:
    """One sheet per table, with a bold, frozen header row and a filter on every column."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=str(table.title)[:SHEET_NAME_MAX])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        rows = list(table.values())
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        bold = Font(bold=True)
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=xlsx_text(column.header))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        kinds = [c.kind for c in table.columns]
        for values in rows:
            sheet.append([_xlsx_cell(sheet, k, v) for k, v in zip(kinds, values, strict=True)])
    workbook.save(out)
