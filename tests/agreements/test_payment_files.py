"""The payment list for the finance system and the import of its paid rows (issue 15).

The list holds every released instalment not yet paid, with what a payment order needs; the
import books paid rows all or none, naming each wrong row.
"""

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from agreements.models import Instalment, InstalmentStatus
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

RELEASED = ("GF-2024-COOMPANION", 2)  # released in the demo, waiting for the finance system


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def official() -> Client:
    return login(Client(), "handlaggare")


def instalment(reference: str, number: int) -> Instalment:
    return Instalment.objects.get(agreement__reference=reference, number=number)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_payment_list_holds_the_released_instalments_with_payment_details() -> None:
    response = official().get("/payments/utbetalningslista.csv")
    assert response.status_code == 200
    assert "utbetalningslista-" in response["Content-Disposition"]
    rows = csv_rows(response.content)
    released = Instalment.objects.filter(status=InstalmentStatus.RELEASED)
    assert [(r["Referens"], r["Utbetalning nr"]) for r in rows] == [
        (i.agreement.reference, str(i.number)) for i in released
    ]
    row = rows[0]
    assert row["Mottagare"] == "Coompanion Halland"
    assert (row["Betalsätt"], row["Konto"], row["Exempeldata"]) == ("Bankgiro", "999-0011", "Ja")
    workbook = load_workbook(io.BytesIO(official().get("/payments/utbetalningslista.xlsx").content))
    sheet = workbook.worksheets[0]
    # The demo's organisation numbers are invented and flagged since issue 19.
    assert [c.value for c in sheet[2]][:4] == [
        "Coompanion Halland",
        "999990-0013",
        "Bankgiro",
        "999-0011",
    ]


def paid_file(*lines: str, encoding: str = "utf-8") -> io.BytesIO:
    file = io.BytesIO("\n".join(lines).encode(encoding))
    file.name = "betalda.csv"
    return file


def post(file: io.BytesIO, confirm: bool = True) -> Any:
    return official().post(
        "/payments/import/", {"file": file, **({"confirm": "on"} if confirm else {})}
    )


def test_the_finance_systems_file_books_the_rows_paid() -> None:
    amount = f"{instalment(*RELEASED).amount:,.0f}".replace(",", " ")  # "600 000"
    response = post(
        paid_file(
            "Referens;Utbetalning nr;Utbetald;Verifikation;Belopp (kr)",
            f"GF-2024-COOMPANION;2;2024-09-20;V-4711;{amount}",
        )
    )
    assert response.status_code == 302, text(response)
    paid = instalment(*RELEASED)
    assert (paid.status, str(paid.paid_on), paid.finance_reference) == (
        "paid",
        "2024-09-20",
        "V-4711",
    )


def test_the_exported_list_comes_back_with_a_payment_date() -> None:
    """The list as exported, with the finance system's date column added, books itself."""
    exported = official().get("/payments/utbetalningslista.csv").content.decode("utf-8-sig")
    lines = exported.strip().splitlines()
    lines = [lines[0] + ";Utbetald", *(line + ";2024-09-20" for line in lines[1:])]
    response = post(paid_file(*lines, encoding="cp1252"))  # as Excel saves it in Sweden
    assert response.status_code == 302, text(response)
    assert instalment(*RELEASED).status == InstalmentStatus.PAID


def test_a_file_with_wrong_rows_books_nothing_and_names_each_row() -> None:
    response = post(
        paid_file(
            "Referens,Utbetalning nr,Utbetald,Belopp (kr)",
            "GF-2024-COOMPANION,2,2024-09-20,",  # right
            "GF-2024-NOSUCH,1,2024-09-20,",  # no such agreement
            "GF-2024-MATGILLE,1,2024-09-20,",  # planned, not released
            "GF-2024-COOMPANION,1,20/9/2024,",  # date
            "GF-2024-COOMPANION,2,2024-09-20,1",  # amount (and booked twice)
        )
    )
    assert response.status_code == 400
    body = text(response)
    assert "Rad 5: datumet ska skrivas" in body  # parse errors come first, alone
    assert instalment(*RELEASED).status == InstalmentStatus.RELEASED
    response = post(
        paid_file(
            "Referens,Utbetalning nr,Utbetald,Belopp (kr)",
            "GF-2024-COOMPANION,2,2024-09-20,",
            "GF-2024-NOSUCH,1,2024-09-20,",
            "GF-2024-MATGILLE,1,2024-09-20,",
            "GF-2024-COOMPANION,2,2024-09-20,1",
        )
    )
    body = text(response)
    assert "Rad 3: GF-2024-NOSUCH har ingen utbetalning nummer 1." in body
    assert "Rad 4 (GF-2024-MATGILLE nr 1): Bara en attesterad utbetalning" in body
    assert "Rad 5: beloppet 1 kr är inte utbetalningens" in body
    assert instalment(*RELEASED).status == InstalmentStatus.RELEASED  # row 2 was right: undone


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Namn;Datum\nx;y", "saknar kolumnerna"),
        ("Referens;Utbetalning nr;Utbetald", "inga rader"),
        ("Referens;Utbetalning nr;Utbetald\nGF-2024-COOMPANION;x;2024-09-20", "heltal"),
        ("Referens;Utbetalning nr;Utbetald\nGF\x00;2;2024-09-20", "inte en textfil"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content: str, message: str) -> None:
    response = post(paid_file(content))
    assert response.status_code == 400
    assert message in text(response)


def test_the_import_asks_for_confirmation() -> None:
    response = post(paid_file("Referens;Utbetalning nr;Utbetald"), confirm=False)
    assert "Kryssa i att du har kontrollerat filen." in text(response)
