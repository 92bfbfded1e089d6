"""Crafted requests that once answered 500 (issue 13, finding 6): each is now a 404 or a message.

- `/agreements/%00/`: PostgreSQL refuses a string with NUL; references have a path converter.
- ids above 2^63: SQLite raised OverflowError; ids have at most 18 digits at the URL.
- a partner name with a control character made the year's XLSX export fail for everyone:
  names refuse control characters, and the XLSX writer never fails on a stored string.
"""

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook

from partners import services as partners
from partners.models import Partner
from tests.helpers import login

pytestmark = pytest.mark.django_db

HUGE = str(2**63)  # one above the largest bigint
HUGER = "9" * 40


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


@pytest.mark.parametrize(
    "path",
    [
        "/agreements/%00/",
        "/agreements/GF-2024-COOMPANION%00/",
        "/agreements/%00/pdf/",
        "/agreements/%00/sign/",
        "/agreements/gf-2024-coompanion/",
        "/agreements/" + "A" * 61 + "/",
        "/agreements/GF-2024-COOMPANION%0B/edit/",
        f"/agreements/new/{HUGE}/",
        f"/agreements/new/{HUGER}/",
        f"/decisions/{HUGE}/",
        f"/decisions/{HUGER}/pdf/",
        f"/decisions/1/remove/{HUGE}/",
        f"/archive/{HUGE}/",
        f"/archive/{HUGER}/download/",
        f"/budget/{HUGE}/",
        "/budget/99999/",
        "/budget/2024%00/",
        f"/budget/{HUGER}/export.xlsx",
        f"/open-data/{HUGE}/360giving.json",
        "/budget/2024/export/allocations%00.csv",
    ],
)
@pytest.mark.parametrize("username", ["handlaggare", "sekreterare", "coompanion"])
def test_crafted_paths_are_not_found(client: Client, username: str, path: str) -> None:
    login(client, username)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code in (404, 405)


@pytest.mark.parametrize("name", ["Coompanion\x0bHalland", "Nul\x00l", "Tab\tbed", "Bell\x07"])
def test_names_refuse_control_characters(name: str) -> None:
    partner = Partner.objects.get(slug="coompanion")
    for field in ("display_name", "legal_name"):
        change: dict[str, Any] = {field: name}
        with pytest.raises(ValidationError, match="styrtecken"):
            partners.update_partner(partner=partner, by=None, **change)
    partner.refresh_from_db()
    assert partner.display_name == "Coompanion"


def test_the_admin_shows_the_message_next_to_the_field(client: Client) -> None:
    login(client, "admin")
    partner = Partner.objects.get(slug="coompanion")
    page = client.get(f"/admin/partners/partner/{partner.pk}/change/")
    assert page.status_code == 200
    response = client.post(
        f"/admin/partners/partner/{partner.pk}/change/",
        {**page.context["adminform"].form.initial, "display_name": "Coomp\x0banion"},
    )
    assert response.status_code == 200
    assert "styrtecken" in response.content.decode()
    partner.refresh_from_db()
    assert partner.display_name == "Coompanion"


def test_a_stored_control_character_does_not_break_the_export(client: Client) -> None:
    # Stored before the rule existed (or by hand in the database): the export still works.
    Partner.objects.filter(slug="coompanion").update(legal_name="Coompanion\x0bHalland")
    login(client, "handlaggare")
    response = client.get("/budget/2024/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Coompanion\ufffdHalland" in names
