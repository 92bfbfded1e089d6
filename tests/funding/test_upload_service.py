"""funding.services.upload: reading the year's split from a file (issue 19), without the pages."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from funding.models import Programme
from funding.selectors import allocation_editor_rows
from funding.services.upload import (
    UPLOAD_MAX_ROWS,
    pack_upload,
    read_allocation_file,
    unpack_upload,
)
from partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def programme() -> Programme:
    return Programme.objects.get(budget_year__year=2025)


def read(raw: bytes) -> dict[str, Decimal]:
    rows = allocation_editor_rows(programme=programme())
    return {a.partner.slug: a.new for a in read_allocation_file(raw=raw, rows=rows)}


def refused(raw: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read(raw)
    return caught.value.messages


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    active = book.active
    assert active is not None
    for row in rows:
        active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "raw",
    [
        b"Partner;Belopp\nCoompanion;1 850 000\n",
        b"\xef\xbb\xbfPartner;Belopp\r\nCoompanion;1850000,00\r\n",
        b"Partner\tBelopp\nCoompanion\t1850000\n",
        b'Namn,Belopp (kr)\n"Coompanion","1 850 000,00"\n',
        "Partner;Kronor\nCoompanion;1\u00a0850\u00a0000\n".encode("cp1252"),
        b"Belopp;Partner;Kommentar\n1850000;  coompanion ;ok\n",
    ],
    ids=["semicolons", "BOM and CRLF", "tabs", "quoted commas", "Windows-1252", "other order"],
)
def test_the_csv_dialects_officials_save(raw: bytes) -> None:
    assert read(raw) == {"coompanion": Decimal(1_850_000)}


def test_excel_numbers_and_text_cells() -> None:
    raw = sheet([["Partner", "Belopp"], ["Coompanion", 1850000], ["HighFive", 1200000.0]])
    assert read(raw) == {"coompanion": Decimal(1_850_000), "highfive": Decimal(1_200_000)}
    assert (
        "Rad 2: Ange beloppet i hela kronor"
        in refused(sheet([["Partner", "Belopp"], ["Coompanion", 1850000.5]]))[0]
    )


def test_organisation_numbers_in_every_spelling() -> None:
    Partner.objects.filter(slug="highfive").update(organisation_number="802456-1234")
    for number in ("802456-1234", "8024561234", "16802456-1234"):
        assert read(f"Organisationsnummer;Belopp\n{number};5\n".encode()) == {
            "highfive": Decimal(5)
        }


def test_a_name_two_partners_share_asks_for_the_number() -> None:
    Partner.objects.filter(slug="highfive").update(legal_name="Coompanion")
    assert "flera partner heter Coompanion" in refused(b"Partner;Belopp\nCoompanion;5\n")[0]


def test_too_many_rows_is_refused() -> None:
    raw = b"Partner;Belopp\n" + b"Okand;1\n" * (UPLOAD_MAX_ROWS + 1)
    assert "fler än" in refused(raw)[0]


def test_the_signed_comparison_round_trips_and_refuses_a_change() -> None:
    rows = allocation_editor_rows(programme=programme())
    amounts = read_allocation_file(raw=b"Partner;Belopp\nCoompanion;7\n", rows=rows)
    token = pack_upload(programme=programme(), amounts=amounts)
    coompanion = Partner.objects.get(slug="coompanion").pk
    unpacked, versions = unpack_upload(token=token, programme=programme())
    assert unpacked == {coompanion: Decimal(7)}
    assert versions == {coompanion: amounts[0].version}
    with pytest.raises(ValidationError):
        unpack_upload(token=token.replace(":", ";", 1), programme=programme())
    with pytest.raises(ValidationError):
        unpack_upload(token=token, programme=Programme.objects.get(budget_year__year=2024))
