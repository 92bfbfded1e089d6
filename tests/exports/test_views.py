"""Exports of a budget year as officials and secretaries download them (design §9)."""

import csv
import io
from datetime import date, datetime
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from agreements.models import Agreement, Instalment
from partners.models import Partner
from tests.helpers import add_partners_with_decided_2024, add_signed_agreements, login

pytestmark = pytest.mark.django_db

URLS = [
    "/budget/2024/export.xlsx",
    "/budget/2024/export/allocations.csv",
    "/budget/2024/export/agreements.csv",
    "/budget/2024/export/reports.csv",
    "/budget/2024/export/payments.csv",
]


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def workbook(client: Client, url: str = "/budget/2024/export.xlsx") -> Workbook:
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def csv_rows(client: Client, table: str, year: int = 2024) -> list[list[str]]:
    response = client.get(f"/budget/{year}/export/{table}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_workbook_has_the_years_allocations_agreements_reports_and_payments(client: Client) -> None:
    login(client, "handlaggare")
    response = client.get("/budget/2024/export.xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="budget-2024.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Fördelningar", "Överenskommelser", "Återrapporter", "Utbetalningar"]

    allocations = list(book["Fördelningar"].iter_rows(min_row=2, values_only=True))
    assert len(allocations) == 6
    by_partner = {row[3]: row for row in allocations}
    matgille = by_partner["Hallands Matgille"]
    assert matgille[6] == 3000000
    assert isinstance(matgille[6], int)  # a number, not text
    assert matgille[7] == "Beslutad"
    assert matgille[8:10] == ("RS230001", 101)
    assert cast(datetime, matgille[10]).date() == date(2023, 10, 24)
    assert sum(cast(int, row[6]) for row in allocations) == 11900000

    agreements = list(book["Överenskommelser"].iter_rows(min_row=2, values_only=True))
    assert sorted(cast(str, row[0]) for row in agreements) == sorted(
        Agreement.objects.filter(allocation__programme__budget_year__year=2024).values_list(
            "reference", flat=True
        )
    )
    payments = list(book["Utbetalningar"].iter_rows(min_row=2, values_only=True))
    # The payment plan adds up exactly to each agreement's amount.
    amounts = {row[0]: row[6] for row in agreements}
    for reference, amount in amounts.items():
        assert sum(cast(int, p[4]) for p in payments if p[0] == reference) == amount


def test_csv_of_each_table_opens_in_swedish_excel(client: Client) -> None:
    login(client, "sekreterare")
    allocations = csv_rows(client, "allocations")
    assert allocations[0][:7] == [
        "År",
        "Ram",
        "Finansieringskälla",
        "Partner",
        "Juridiskt namn",
        "Organisationsnummer",
        "Belopp (kr)",
    ]
    # Ordered by partner name: "Connect Väst" before "Coompanion".
    assert [row[3] for row in allocations[1:3]] == ["Connect Väst", "Coompanion"]
    assert [allocations[1][0], allocations[1][6]] == ["2024", "1500000"]
    agreements = csv_rows(client, "agreements")
    assert agreements[0][0] == "Referens"
    assert {"GF-2024-COOMPANION", "GF-2024-MATGILLE"} <= {row[0] for row in agreements[1:]}
    payments = csv_rows(client, "payments")
    coompanion = [row for row in payments[1:] if row[0] == "GF-2024-COOMPANION"]
    assert [row[4] for row in coompanion] == ["600000", "600000", "100000"]  # 100 000: version 2


def test_csv_file_names_say_year_and_table(client: Client) -> None:
    login(client, "handlaggare")
    response = client.get("/budget/2025/export/payments.csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="budget-2025-utbetalningar.csv"'
    )


def test_english_headers_when_english_is_chosen(client: Client) -> None:
    login(client, "handlaggare")
    client.post("/i18n/setlang/", {"language": "en"})
    rows = csv_rows(client, "allocations")
    assert rows[0][:4] == ["Year", "Funding frame", "Funding source", "Partner"]  # issue 19
    assert rows[1][7] == "Decided"


def test_a_partner_name_that_looks_like_a_formula_stays_text(client: Client) -> None:
    Partner.objects.filter(slug="highfive").update(display_name="=1+2")
    login(client, "handlaggare")
    sheet = workbook(client)["Fördelningar"]
    cell = next(row[3] for row in sheet.iter_rows(min_row=2) if row[3].value == "=1+2")
    assert cell.data_type == "s"
    defused = [row[3] for row in csv_rows(client, "allocations") if "=1+2" in row[3]]
    assert defused == ["'=1+2"]


@pytest.mark.parametrize("username", ["coompanion", "matgille"])
def test_partners_get_not_found(client: Client, username: str) -> None:
    login(client, username)
    for url in URLS:
        assert client.get(url).status_code == 404


def test_anonymous_must_log_in(client: Client) -> None:
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_unknown_year_or_table_is_not_found(client: Client) -> None:
    login(client, "handlaggare")
    assert client.get("/budget/1999/export.xlsx").status_code == 404
    assert client.get("/budget/2024/export/secrets.csv").status_code == 404
    assert client.post("/budget/2024/export.xlsx").status_code == 405


def grow_2024(extra: int) -> None:
    add_signed_agreements(add_partners_with_decided_2024(extra))


def test_query_count_does_not_grow_with_rows(client: Client) -> None:
    login(client, "handlaggare")

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    with_six = {url: count(url) for url in URLS}
    grow_2024(40)
    with_many = {url: count(url) for url in URLS}
    assert with_many == with_six, (with_six, with_many)
    # Session, user, second-factor device, the year; then one query per table (four).
    assert with_six == {
        "/budget/2024/export.xlsx": 8,
        "/budget/2024/export/allocations.csv": 5,
        "/budget/2024/export/agreements.csv": 5,
        "/budget/2024/export/reports.csv": 5,
        "/budget/2024/export/payments.csv": 5,
    }
    assert len(list(workbook(client)["Utbetalningar"].iter_rows(min_row=2))) == (
        Instalment.objects.filter(agreement__allocation__programme__budget_year__year=2024).count()
    )


def test_overview_links_to_the_exports(client: Client) -> None:
    body = login(client, "handlaggare").get("/budget/2024/").content.decode()
    for url in [*URLS, "/open-data/2024/360giving.json"]:
        assert f'href="{url}"' in body


def test_the_reports_table_says_status_and_lateness(client: Client) -> None:
    login(client, "handlaggare")
    content = client.get("/budget/2024/export/reports.csv").content.decode("utf-8-sig")
    rows = {
        (r["Referens"], r["Senast"]): r for r in csv.DictReader(io.StringIO(content), delimiter=";")
    }
    final = rows[("GF-2024-MATGILLE", "2025-03-31")]
    assert (final["Status"], final["Försenad"]) == ("Inte påbörjad", "Ja")
    half = rows[("GF-2024-MATGILLE", "2024-08-31")]
    assert (half["Status"], half["Försenad"], half["Inlämnad"]) == ("Inlämnad", "Nej", "2024-08-31")
    assert rows[("GF-2024-TEK-KOMPETENS", "2025-03-31")]["Status"] == "Godkänd"
