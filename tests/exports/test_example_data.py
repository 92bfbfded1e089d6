"""The Exempeldata label survives when a file is shared or the API is read (issue 19)."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.api.conftest import ApiClient, token_for
from tests.helpers import login

pytestmark = pytest.mark.django_db

TABLES = ["allocations", "agreements", "reports", "payments"]


@pytest.mark.parametrize("table", TABLES)
def test_every_csv_has_an_example_data_column(client: Client, demo: None, table: str) -> None:
    login(client, "handlaggare")
    response = client.get(f"/budget/2024/export/{table}.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Exempeldata"
    assert len(rows) > 1
    assert {row[-1] for row in rows[1:]} == {"Ja"}  # the whole demo is example data


def test_every_sheet_has_an_example_data_column(client: Client, demo: None) -> None:
    login(client, "handlaggare")
    book = load_workbook(io.BytesIO(client.get("/budget/2025/export.xlsx").content))
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][-1] == "Exempeldata", sheet.title
        assert all(row[-1] == "Ja" for row in rows[1:]), sheet.title
    # 2025 is copied from 2024: its drafts are example data too.
    assert len(list(book["Fördelningar"].iter_rows(min_row=2))) == 6


def test_english_header(client: Client, demo: None) -> None:
    login(client, "handlaggare")
    client.cookies["django_language"] = "en"
    response = client.get("/budget/2024/export/allocations.csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[-1] == "Example data"


def test_api_carries_the_flag(demo: None) -> None:
    api = ApiClient(token_for("handlaggare"))
    for path in ["/api/v1/programmes", "/api/v1/allocations", "/api/v1/agreements"]:
        items = api.get(path).json()["items"]
        assert items, path
        assert all(item["is_example_data"] is True for item in items), path
    agreement = api.get("/api/v1/agreements/GF-2024-COOMPANION").json()
    assert agreement["is_example_data"] is True
    # The partners themselves are public facts (design §2): not labelled.
    assert agreement["partner"]["is_example_data"] is False
    schema = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ["ProgrammeOut", "AllocationOut", "AgreementOut", "PartnerOut"]:
        assert "is_example_data" in schema[name]["required"], name


def test_open_data_carries_the_flag_as_an_additional_field(client: Client, demo: None) -> None:
    grants = client.get("/open-data/2024/360giving.json").json()["grants"]
    assert grants
    assert all(g["exampleData"] is True for g in grants)
