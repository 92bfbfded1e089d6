"""Long unbroken words wrap in the PDFs instead of running off the page (issue 13, finding 9).

Text beyond the page edge is clipped: the printed and archived record would lose it.
"""

import io

import pdfplumber
import pytest
from django.test import Client

from agreements.models import Agreement
from tests.helpers import login

pytestmark = pytest.mark.django_db

WORD = "Grundfinansieringsöverenskommelseuppföljningsrapporteringsansvarig" * 4  # 264 letters


def _characters_off_the_page(pdf: bytes) -> list[str]:
    off = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            off += [c["text"] for c in page.chars if c["x1"] > page.width or c["x0"] < 0]
    return off


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "".join((page.extract_text() or "") for page in document.pages)


def test_a_long_word_in_an_agreement_wraps_within_the_page(demo: None, client: Client) -> None:
    Agreement.objects.filter(reference="GF-2024-LEAP-FOR-LIFE").update(
        purpose=f"Syfte: {WORD}.", conditions=f"https://example.se/{WORD}"
    )
    login(client, "handlaggare")
    pdf = client.get("/agreements/GF-2024-LEAP-FOR-LIFE/preview/").content
    assert _characters_off_the_page(pdf) == []
    assert _text(pdf).replace("\n", "").count(WORD) == 2  # every letter is there, in order


def test_a_long_word_in_a_decision_wraps_within_the_page(demo: None, client: Client) -> None:
    login(client, "sekreterare")
    response = client.post(
        "/decisions/new/",
        {
            "body": "Regionstyrelsens tillväxtutskott",
            "meeting_date": "2024-10-22",
            "paragraph": "88",
            "registration_number": "RS240088",
            "title": "Grundfinansiering 2025",
            "text": f"Beslut om {WORD}.",
            "legal_basis": "",
            "legal_bases": ["kl_2_1"],  # a structured legal basis is required (issue 19)
        },
    )
    assert response.status_code == 302
    pdf = client.get(response["Location"] + "pdf/").content
    assert _characters_off_the_page(pdf) == []
    assert WORD in _text(pdf).replace("\n", "")
