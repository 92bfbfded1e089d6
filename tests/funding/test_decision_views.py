"""The secretary's decision pages through real requests (issue 5)."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from funding import services
from funding.models import Allocation, Decision, DecisionDocument, Programme
from tests import pdfa
from tests.helpers import NBSP, login, text  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def pdf_text(pdf: bytes) -> str:
    raw = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(re.sub(r"[\u00a0\u202f]", " ", raw).split())


GOOD = {
    "body": "Regionstyrelsens tillväxtutskott",
    "meeting_date": "2024-10-22",
    "paragraph": "88",
    "registration_number": "RS240088",
    "title": "Grundfinansiering 2025 till strategiska partner",
    "text": "Tillväxtutskottet beslutar att bevilja grundfinansiering för 2025.",
    "legal_basis": "Bidrag, inte upphandling.",
    "legal_bases": ["kl_2_1", "sfs_2010_630"],
    "memo_date": "2024-10-08",
    "memo_registration_number": "RS240088",
    "distribution": "Coompanion Halland\nEkonomi, Region Halland",
}
JUSTERING = {
    "approved_on": "2024-10-29",
    "adjusters": "Per Exempelsson, Eva Exempeldotter",
    "chair": "Anna Exempelsson",
    "posted_on": "2024-10-30",
}


def record(client: Client, **changes: str) -> Decision:
    response = client.post("/decisions/new/", {**GOOD, **changes})
    assert response.status_code == 302, text(response)
    return Decision.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))


def add_2025(client: Client, decision: Decision) -> None:
    ids = Programme.objects.get(budget_year__year=2025).allocations.values_list("pk", flat=True)
    response = client.post(f"/decisions/{decision.pk}/add/", {"allocations": list(ids)})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("registration_number", "RS12", "RS följt av sex siffror"),
        ("registration_number", "<b>RS240088</b>", "RS följt av sex siffror"),
        ("meeting_date", "24/10/2024", "Fyll i ett giltigt datum"),
        ("paragraph", "-3", "större än eller lika med 1"),
        ("title", "", "Detta fält måste fyllas i"),
        ("text", "x" * 20001, "som mest 20000 tecken"),
    ],
)
def test_bad_decision_input_gets_a_message_and_saves_nothing(
    client: Client, field: str, value: str, message: str
) -> None:
    login(client, "sekreterare")
    before = Decision.objects.count()
    response = client.post("/decisions/new/", {**GOOD, field: value})
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert 'value="Grundfinansiering 2025 till strategiska partner"' in body or field == "title"
    assert Decision.objects.count() == before


def test_record_add_decide_approve_and_extract(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client)
    add_2025(client, decision)
    body = text(client.get(f"/decisions/{decision.pk}/"))
    assert "11 900 000 kr" in body
    assert "Fatta beslutet" in body
    # Issue 19: the button leads to a confirmation; only its POST decides.
    confirm = text(client.get(f"/decisions/{decision.pk}/decide/"))
    assert "Det går inte att ångra" in confirm
    assert "Hallands Matgille" in confirm
    assert "11 900 000 kr" in confirm
    decision.refresh_from_db()
    assert decision.status == "draft"
    client.post(f"/decisions/{decision.pk}/decide/")
    decision.refresh_from_db()
    assert decision.status == "decided"
    assert set(
        Allocation.objects.filter(programme__budget_year__year=2025).values_list(
            "status", flat=True
        )
    ) == {"decided"}
    client.post(f"/decisions/{decision.pk}/approve/", JUSTERING)
    decision.refresh_from_db()
    assert decision.status == "approved"
    document = DecisionDocument.objects.get(decision=decision)

    response = client.get(f"/decisions/{decision.pk}/pdf/")
    # django-stubs types a test client's response as never streaming.
    pdf = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with document.file.open("rb") as f:
        assert pdf == f.read()
    assert pdfa.problems(pdf) == []
    extract = pdf_text(pdf)
    for expected in (
        "Protokollsutdrag",
        "Regionstyrelsens tillväxtutskott",
        "22 oktober 2024",
        "§ 88",
        "RS240088",
        "Grundfinansiering 2025 till strategiska partner",
        "Hallands Matgille",
        "3 000 000 kr",
        "11 900 000 kr",
        "Protokollet justerades 29 oktober 2024",
        # Issue 19: every element of the protokollsutdrag.
        "Justerare Per Exempelsson, Eva Exempeldotter",
        "Ordförande Anna Exempelsson",
        "Anslaget den 30 oktober 2024",
        "löper ut den 20 november 2024",
        "laglighetsprövning (13 kap. kommunallagen)",
        "Beslutet skickas till",
        "Coompanion Halland",
        "Ekonomi, Region Halland",
        "Rätt utdraget intygar Demo Sekreterare, Nämndsekreterare",
        "Beslutsunderlag Tjänsteskrivelse den 8 oktober 2024, diarienummer RS240088",
        "2 kap. 1 § kommunallagen (2017:725) och lagen (2010:630) om regionalt utvecklingsansvar",
        "Fördelning enligt tabellen nedan.",
    ):
        assert expected in extract, expected
    assert "UTKAST" not in extract
    assert "Bilaga" not in extract  # the text does not refer to one
    assert extract.count("Protokollsutdrag") == 1  # one heading (issue 19)

    verdict = client.post("/verify/", {"file": SimpleUploadedFile("x.pdf", pdf, "application/pdf")})
    assert "Äkta" in text(verdict)
    assert "protokollsutdraget" in text(verdict)


def test_draft_extract_is_a_preview_marked_utkast(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client)
    response = client.get(f"/decisions/{decision.pk}/pdf/")
    assert response.status_code == 200
    assert "UTKAST" in pdf_text(response.content)
    assert not DecisionDocument.objects.filter(decision=decision).exists()


def test_deciding_over_the_ceiling_is_refused(client: Client) -> None:
    programme = Programme.objects.get(budget_year__year=2025)
    matgille = programme.allocations.get(partner__slug="matgille")
    services.set_allocations(
        programme=programme,
        amounts={matgille.partner_id: Decimal("4000000")},
        by=User.objects.get(username="handlaggare"),
    )
    login(client, "sekreterare")
    decision = record(client)
    add_2025(client, decision)
    body = text(client.post(f"/decisions/{decision.pk}/decide/", follow=True))
    assert "över ramen" in body
    decision.refresh_from_db()
    assert decision.status == "draft"
    assert not Allocation.objects.filter(programme=programme, status="decided").exists()


def test_remove_from_draft(client: Client) -> None:
    login(client, "sekreterare")
    decision = record(client)
    add_2025(client, decision)
    item = decision.items.first()
    assert item is not None
    allocation = item.allocation
    client.post(f"/decisions/{decision.pk}/remove/{allocation.pk}/")
    assert decision.items.count() == 5


def test_decided_decision_cannot_be_edited(client: Client) -> None:
    login(client, "sekreterare")
    demo_decision = Decision.objects.get(paragraph=101)
    response = client.post(f"/decisions/{demo_decision.pk}/edit/", GOOD, follow=True)
    assert "kan inte ändras" in text(response)
    demo_decision.refresh_from_db()
    assert demo_decision.title != GOOD["title"]


def test_officials_read_only(client: Client) -> None:
    login(client, "handlaggare")
    demo_decision = Decision.objects.get(paragraph=101)
    assert client.get("/decisions/").status_code == 200
    body = text(client.get(f"/decisions/{demo_decision.pk}/"))
    assert "RS230001" in body
    assert "Fatta beslutet" not in body
    assert client.get(f"/decisions/{demo_decision.pk}/pdf/").status_code == 200
    assert client.post("/decisions/new/", GOOD).status_code == 403
    assert client.post(f"/decisions/{demo_decision.pk}/decide/").status_code == 403


@pytest.mark.parametrize("suffix", ["", "new/", "{pk}/", "{pk}/pdf/", "{pk}/edit/"])
def test_partners_get_404(client: Client, suffix: str) -> None:
    pk = Decision.objects.get(paragraph=101).pk
    login(client, "matgille")
    assert client.get("/decisions/" + suffix.format(pk=pk)).status_code == 404
