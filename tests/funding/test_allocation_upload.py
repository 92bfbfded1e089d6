"""The allocation editor's upload (issue 19): a CSV or Excel file of partner and amount per row,
compared with the saved amounts, saved as a draft only when the official confirms; a malformed
file names every wrong row and changes nothing."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from audit.models import AuditEvent
from funding import services
from funding.models import Allocation, Programme
from partners.models import Partner
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

EDITOR = "/budget/2025/grundfinansiering/allocations/"
UPLOAD = EDITOR + "upload/"
CONFIRM = UPLOAD + "confirm/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def saved() -> dict[str, Decimal]:
    programme = Programme.objects.get(budget_year__year=2025)
    return {a.partner.slug: a.amount for a in programme.allocations.select_related("partner")}


def state() -> tuple[dict[str, Decimal], int]:
    return saved(), AuditEvent.objects.count()


def upload(client: Client, content: bytes, name: str = "fordelning.csv") -> "tuple[int, str]":
    response = client.post(UPLOAD, {"file": SimpleUploadedFile(name, content)})
    return response.status_code, text(response)


def token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, page
    return found[1]


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_csv_is_compared_and_saved_only_when_confirmed() -> None:
    client = login(Client(), "handlaggare")
    before = state()
    content = "\ufeffPartner;Belopp\nCoompanion;1 850 000\nhallands  matgille;3000000,00\n\n"
    status, page = upload(client, content.encode())
    assert status == 200
    assert "Ingenting är sparat ännu." in page
    assert re.search(r"Coompanion</th>\s*<td[^>]*>[^<]+</td>\s*<td[^>]*>1 850 000 kr", page)
    assert state() == before  # nothing saved by showing the differences

    response = client.post(CONFIRM, {"token": token(page), "reason": "Enligt beredningen"})
    assert response.status_code == 302
    assert response["Location"] == EDITOR
    after = saved()
    assert after["coompanion"] == Decimal(1_850_000)
    assert after["matgille"] == Decimal(3_000_000)
    assert {k: v for k, v in after.items() if k not in ("coompanion", "matgille")} == {
        k: v for k, v in before[0].items() if k not in ("coompanion", "matgille")
    }
    events = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before[1]]
    assert events
    assert {e.reason for e in events} == {"Enligt beredningen"}
    assert all(e.actor is not None and e.actor.username == "handlaggare" for e in events)


def test_a_comma_separated_csv_with_quoted_amounts() -> None:
    client = login(Client(), "handlaggare")
    status, page = upload(
        client, b'partner,belopp\r\nHighFive,"1850000,00"\r\nCoompanion,1200000\r\n'
    )
    assert status == 200, page
    assert "HighFive" in page
    assert "1 850 000 kr" in page


def test_an_excel_sheet_by_organisation_number_and_name() -> None:
    Partner.objects.filter(slug="highfive").update(organisation_number="802456-1234")
    client = login(Client(), "handlaggare")
    sheet = xlsx(
        [
            ["Organisationsnummer", "Partner", "Belopp"],
            ["8024561234", "", 1_900_000],
            [None, "Coompanion", 1_250_000.0],
            [None, "TEK Kompetens", "2 000 000"],
        ]
    )
    before = state()
    status, page = upload(client, sheet, "fordelning.xlsx")
    assert status == 200, page
    assert state() == before
    assert client.post(CONFIRM, {"token": token(page)}).status_code == 302
    after = saved()
    assert (after["highfive"], after["coompanion"], after["tek-kompetens"]) == (
        Decimal(1_900_000),
        Decimal(1_250_000),
        Decimal(2_000_000),
    )


H = "Partner;Belopp\n"  # the header row
MALFORMED = [
    ("unknown partner", H + "Coompanion;100\nFinns Inte AB;200\n", ["Rad 3: okänd partner"]),
    ("duplicate", H + "Coompanion;1\nCOOMPANION;2\n", ["Rad 3: Coompanion finns redan på rad 2"]),
    ("negative", H + "Coompanion;-100\n", ["Rad 2: Beloppet får inte vara negativt"]),
    ("unit", H + "Coompanion;1,5 mnkr\n", ["Rad 2: Ange beloppet i kronor med siffror"]),
    ("öre", H + "Coompanion;100,50\n", ["Rad 2: Ange beloppet i hela kronor"]),
    ("exponent", H + "Coompanion;1e6\n", ["Rad 2: Ange beloppet i kronor med siffror"]),
    ("empty amount", H + "Coompanion;\n", ["Rad 2: Ange ett belopp"]),
    ("no partner", H + ";100\n", ["Rad 2: partner saknas"]),
    ("unknown number", H + "999999-9999;100\n", ["Rad 2: ingen aktiv partner"]),
    ("no header", "Coompanion;100\n", ["kolumnerna Partner"]),
    ("empty", "", ["tom"]),
    ("blank lines only", "\n;\n\n", ["Filen är tom"]),
    ("only a header", H, ["inga rader"]),
    ("NUL", H + "Coomp\x00anion;100\n", ["varken en CSV-fil"]),
    (
        "every wrong row",
        H + "Coompanion;abc\nHighFive;100\nOkänd;5\nHighFive;7\n",
        ["Rad 2:", "Rad 4: okänd partner", "Rad 5: HighFive finns redan på rad 3"],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "said"), MALFORMED, ids=[name for name, _, _ in MALFORMED]
)
def test_a_malformed_file_names_its_wrong_rows_and_changes_nothing(
    name: str, content: str, said: list[str]
) -> None:
    client = login(Client(), "handlaggare")
    before = state()
    status, page = upload(client, content.encode())
    assert status == 400
    for message in said:
        assert message in page
    assert 'name="token"' not in page
    assert state() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a PDF", b"%PDF-1.7\n%%EOF\n"),
        ("a broken ZIP", b"PK\x03\x04" + b"\x00" * 100),
        ("a Word file", b"PK\x03\x04not really"),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx_changes_nothing(name: str, content: bytes) -> None:
    client = login(Client(), "handlaggare")
    before = state()
    status, page = upload(client, content, "fordelning.xlsx")
    assert status == 400
    assert "Rad " in page or "CSV" in page or "Excel" in page
    assert state() == before


def test_a_file_over_2_mb_is_refused() -> None:
    client = login(Client(), "handlaggare")
    status, page = upload(client, b"Partner;Belopp\n" + b"Coompanion;1\n" * 200_000)
    assert status == 400
    assert "högst 2 MB" in page


def test_a_changed_or_stale_comparison_saves_nothing() -> None:
    client = login(Client(), "handlaggare")
    _, page = upload(client, b"Partner;Belopp\nCoompanion;1850000\n")
    before = state()
    forged = token(page)[:-3] + "abc"
    response = client.post(CONFIRM, {"token": forged}, follow=True)
    assert "Ladda upp filen igen" in text(response)
    assert state() == before
    # Someone saves Coompanion's amount after the comparison was shown: the save is refused.
    programme = Programme.objects.get(budget_year__year=2025)
    coompanion = Partner.objects.get(slug="coompanion")
    services.set_allocations(programme=programme, amounts={coompanion.pk: Decimal(42)}, by=None)
    before = state()
    response = client.post(CONFIRM, {"token": token(page)}, follow=True)
    assert "Inget sparades" in text(response)
    assert state() == before


def test_a_comparison_for_another_programme_is_refused() -> None:
    client = login(Client(), "handlaggare")
    _, page = upload(client, b"Partner;Belopp\nCoompanion;1850000\n")
    before = state()
    response = client.post(
        "/budget/2024/grundfinansiering/allocations/upload/confirm/",
        {"token": token(page)},
        follow=True,
    )
    assert "annan ram" in text(response) or response.status_code == 403
    assert state() == before


@pytest.mark.parametrize(("username", "expected"), [("sekreterare", 403), ("coompanion", 404)])
def test_only_officials_who_may_edit_upload(username: str, expected: int) -> None:
    client = login(Client(), username)
    before = state()
    assert client.get(UPLOAD).status_code == expected
    assert upload(client, b"Partner;Belopp\nCoompanion;1\n")[0] == expected
    assert client.post(CONFIRM, {"token": "x"}).status_code == expected
    assert state() == before


def test_the_editor_links_to_the_upload_for_those_who_may_edit() -> None:
    assert "allocations/upload/" in text(login(Client(), "handlaggare").get(EDITOR))
    assert "allocations/upload/" not in text(login(Client(), "sekreterare").get(EDITOR))
    assert Allocation.objects.exists()
