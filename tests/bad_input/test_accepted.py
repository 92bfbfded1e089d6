"""Odd input that is rightly accepted: saved exactly as typed, shown escaped, exported defused.

Not everything odd is wrong: a title may hold an emoji, a right-to-left mark or text that looks
like SQL, and an optional field may be left blank with spaces. These are kept apart from the
error catalogue so that neither forces the other.
"""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils.html import escape

from agreements.models import Agreement
from funding.models import Allocation, Decision
from partners.models import Partner
from tests.bad_input import specs
from tests.bad_input.common import ODD_BUT_FINE, SCRIPT, enter
from tests.helpers import text

pytestmark = pytest.mark.django_db

ODD_IDS = [name for name, _ in ODD_BUT_FINE]


@pytest.mark.parametrize(("name", "value"), ODD_BUT_FINE, ids=ODD_IDS)
def test_an_odd_decision_title_is_saved_as_typed_and_shown_escaped(
    client: Client, name: str, value: str
) -> None:
    enter(client, "sekreterare")
    response = client.post("/decisions/new/", {**specs.DECISION, "title": value})
    assert response.status_code == 302
    assert Decision.objects.get(registration_number="RS240088").title == value
    page = text(client.get(response["Location"]))
    assert escape(value) in page
    assert SCRIPT not in page


@pytest.mark.parametrize(("name", "value"), ODD_BUT_FINE, ids=ODD_IDS)
def test_an_odd_agreement_purpose_is_saved_as_typed_and_shown_escaped(
    client: Client, name: str, value: str
) -> None:
    enter(client, "handlaggare")
    response = client.post(specs.EDIT_URL, specs.plan_data(purpose=value))
    assert response.status_code == 302
    assert Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE").purpose == value
    page = text(client.get("/agreements/GF-2024-LEAP-FOR-LIFE/"))
    assert escape(value) in page
    assert SCRIPT not in page


PARTNER_NAMES = [(n, v) for n, v in ODD_BUT_FINE if len(v) <= 120]


@pytest.mark.parametrize(("name", "value"), PARTNER_NAMES, ids=[n for n, _ in PARTNER_NAMES])
def test_an_odd_partner_name_is_saved_shown_escaped_and_exported_defused(
    client: Client, name: str, value: str
) -> None:
    enter(client, "admin")
    url, data = specs.partner_admin_data(client)
    assert client.post(url, {**data, "display_name": value}).status_code == 302
    assert Partner.objects.get(slug="coompanion").display_name == value
    enter(client, "handlaggare")
    page = text(client.get("/agreements/"))
    assert escape(value) in page
    assert SCRIPT not in page
    csv = client.get("/budget/2024/export/allocations.csv").content.decode("utf-8-sig")
    written = "'" + value if value.startswith("=") else value
    assert written in csv  # a formula is defused with a leading apostrophe (exports.writers)


# Blank optional fields and forms of input the parsers rightly read.
BLANKS = [("spaces", "   "), ("no-break space", "\u00a0"), ("ideographic space", "\u3000")]


@pytest.mark.parametrize(("name", "value"), BLANKS, ids=[n for n, _ in BLANKS])
def test_an_optional_field_of_spaces_is_saved_empty(client: Client, name: str, value: str) -> None:
    enter(client, "sekreterare")
    response = client.post("/decisions/new/", {**specs.DECISION, "legal_basis": value})
    assert response.status_code == 302
    assert Decision.objects.get(registration_number="RS240088").legal_basis == ""


AMOUNTS = [
    ("with kr", "3 000 000 kr", 3_000_000),
    ("upper case KR", "5 KR", 5),
    ("no-break spaces", "3\u00a0000\u00a0001", 3_000_001),
    ("thin spaces", "3\u2009000\u2009002", 3_000_002),
    ("leading zeros", "00042", 42),
    ("whole öre", "3 000 003,00", 3_000_003),
    ("blank is zero", "", 0),
    ("spaces are zero", "   ", 0),
]


@pytest.mark.parametrize(("name", "typed", "saved"), AMOUNTS, ids=[a[0] for a in AMOUNTS])
def test_amounts_as_swedes_type_them_are_saved(
    client: Client, name: str, typed: str, saved: int
) -> None:
    enter(client, "handlaggare")
    data = {**specs.editor_data(client), specs.matgille_amount(): typed}
    response = client.post(specs.EDITOR_URL, data)
    assert response.status_code == 302
    matgille = Allocation.objects.get(partner__slug="matgille", programme__budget_year__year=2025)
    assert matgille.amount == Decimal(saved)


DATES = [
    ("no leading zeros", "2024-1-2", "2024-01-02"),
    ("spaces around", " 2024-10-22 ", "2024-10-22"),
]


@pytest.mark.parametrize(("name", "typed", "saved"), DATES, ids=[d[0] for d in DATES])
def test_iso_dates_with_odd_spacing_are_read(
    client: Client, name: str, typed: str, saved: str
) -> None:
    enter(client, "sekreterare")
    response = client.post("/decisions/new/", {**specs.DECISION, "meeting_date": typed})
    assert response.status_code == 302
    assert str(Decision.objects.get(registration_number="RS240088").meeting_date) == saved


ACCEPTED_KEYS = [
    *(("/decisions/new/", "title", repr(v)) for _, v in ODD_BUT_FINE),
    *((specs.AGREEMENT_EDIT.pattern, "purpose", repr(v)) for _, v in ODD_BUT_FINE),
    *((specs.PARTNER_ADMIN.pattern, "display_name", repr(v)) for _, v in PARTNER_NAMES),
    *(("/decisions/new/", "legal_basis", repr(v)) for _, v in BLANKS),
    *((specs.EDITOR, "amount_<partner>", repr(v)) for _, v, _s in AMOUNTS),
    *(("/decisions/new/", "meeting_date", repr(v)) for _, v, _s in DATES),
]
