"""Amendment pages (issue 17): the official starts, edits and sends an amendment, the partner
reads and signs it, the region signs and seals it, and every version stays downloadable."""

import hashlib
from decimal import Decimal

import pytest
from django.test import Client

from agreements.models import Agreement, AgreementAmendment, AmendmentStatus, SignedDocument
from funding.models import Allocation
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

MATGILLE = "GF-2024-MATGILLE"  # signed, version 1
COOMPANION = "GF-2024-COOMPANION"  # the demo's amended agreement: version 2 in force


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """On the demo data."""


def matgille_amendment() -> AgreementAmendment:
    return AgreementAmendment.objects.get(agreement__reference=MATGILLE)


def edit_data(**overrides: str) -> dict[str, str]:
    data = {
        "reason": "Slutrapporten lämnas senare.",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "purpose": "Syfte",
        "conditions": "Villkor",
        "plan-TOTAL_FORMS": "2",
        "plan-INITIAL_FORMS": "0",
        "plan-0-due_date": "2024-01-31",
        "plan-0-amount": "1 500 000",
        "plan-1-due_date": "2024-07-31",
        "plan-1-amount": "1 500 000",
        "reports-TOTAL_FORMS": "1",
        "reports-INITIAL_FORMS": "0",
        "reports-0-description": "Slutrapport",
        "reports-0-due_date": "2025-04-30",
    }
    data.update(overrides)
    return data


def test_the_demo_shows_both_versions_and_the_amending_decision() -> None:
    client = login(Client(), "coompanion")
    page = text(client.get(f"/agreements/{COOMPANION}/"))
    assert "Versioner och tillägg" in page
    assert "Ladda ner version 1 (PDF)" in page
    assert "Ladda ner version 2 (PDF)" in page
    assert "Gällande" in page
    assert "Ersatt" in page
    assert "Tillägg, version 2: Skickad för underskrift" in page  # the timeline
    assert "Tillägg, version 2: Underskriven och gällande" in page
    agreement = Agreement.objects.get(reference=COOMPANION)
    assert (agreement.version, agreement.amount) == (2, Decimal(1_300_000))
    for version in (1, 2):
        response = client.get(f"/agreements/{COOMPANION}/pdf/v{version}/")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        document = SignedDocument.objects.get(agreement=agreement, agreement_version=version)
        assert hashlib.sha256(body).hexdigest() == document.sha256
        assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert client.get(f"/agreements/{COOMPANION}/pdf/v3/").status_code == 404
    # Another partner sees neither.
    other = login(Client(), "matgille")
    assert other.get(f"/agreements/{COOMPANION}/pdf/v1/").status_code == 404


def test_an_official_starts_edits_and_sends_an_amendment() -> None:
    official = login(Client(), "handlaggare")
    page = text(official.get(f"/agreements/{MATGILLE}/"))
    assert "Gör ett tillägg" in page
    refused = official.post(f"/agreements/{MATGILLE}/amendment/new/", {"reason": ""})
    assert refused.status_code == 400
    assert "Skäl till ändringen: Detta fält måste fyllas i" in text(refused)
    started = official.post(f"/agreements/{MATGILLE}/amendment/new/", {"reason": "Senare."})
    assert started["Location"] == f"/agreements/{MATGILLE}/amendment/edit/"
    assert matgille_amendment().version == 2

    # A plan that does not add up: 400, the message at the top, what was typed kept.
    response = official.post(
        f"/agreements/{MATGILLE}/amendment/edit/", edit_data(**{"plan-1-amount": "1 400 000"})
    )
    assert response.status_code == 400
    body = text(response)
    assert "ska summera exakt" in body
    assert 'value="1 400 000"' in body
    assert "Slutrapporten lämnas senare." in body

    saved = official.post(f"/agreements/{MATGILLE}/amendment/edit/", edit_data())
    assert saved.status_code == 302
    page = text(official.get(f"/agreements/{MATGILLE}/amendment/"))
    assert "Villkoren ändras." in page
    assert "Återrapporteringen ändras." in page
    sent = official.post(f"/agreements/{MATGILLE}/amendment/send/")
    assert sent.status_code == 302
    assert matgille_amendment().status == AmendmentStatus.SENT
    # Sent: no longer edited; the official is told so.
    back = official.get(f"/agreements/{MATGILLE}/amendment/edit/", follow=True)
    assert "Bara ett tillägg som är ett utkast kan ändras." in text(back)


def test_a_draft_amendment_is_the_regions_own_and_a_sent_one_is_signed_by_the_partner() -> None:
    official = login(Client(), "handlaggare")
    official.post(f"/agreements/{MATGILLE}/amendment/new/", {"reason": "Senare."})
    partner = login(Client(), "matgille")
    assert partner.get(f"/agreements/{MATGILLE}/amendment/").status_code == 404
    assert "Tillägg: version 2" not in text(partner.get(f"/agreements/{MATGILLE}/"))
    official.post(f"/agreements/{MATGILLE}/amendment/edit/", edit_data())
    official.post(f"/agreements/{MATGILLE}/amendment/send/")

    assert "Skriv under tillägget (version 2)" in text(partner.get("/"))
    assert "Läs och skriv under tillägget" in text(partner.get(f"/agreements/{MATGILLE}/"))
    preview = partner.get(f"/agreements/{MATGILLE}/amendment/preview/")
    assert preview["Content-Type"] == "application/pdf"
    wrong = partner.post(
        f"/agreements/{MATGILLE}/amendment/sign/",
        {"signer_name": "Firma Tecknare", "password": "fel", "confirm": "on"},
    )
    assert wrong.status_code == 400
    assert "Lösenordet stämmer inte." in text(wrong)
    signed = partner.post(
        f"/agreements/{MATGILLE}/amendment/sign/",
        {"signer_name": "Firma Tecknare", "password": "halland-demo", "confirm": "on"},
    )
    assert signed.status_code == 302
    assert matgille_amendment().status == AmendmentStatus.PARTNER_SIGNED

    page = text(official.get("/"))
    assert "Tillägg att skriva under för regionen" in page
    assert "Hallands Matgille: tillägg till GF-2024-MATGILLE (version 2)" in page
    done = official.post(
        f"/agreements/{MATGILLE}/amendment/sign/",
        {"signer_name": "Hanna Handläggare", "password": "halland-demo", "confirm": "on"},
    )
    assert done["Location"] == f"/agreements/{MATGILLE}/"
    assert Agreement.objects.get(reference=MATGILLE).version == 2
    assert SignedDocument.objects.filter(agreement__reference=MATGILLE).count() == 2


def test_discarding_asks_for_a_reason_and_keeps_the_version_in_force() -> None:
    official = login(Client(), "handlaggare")
    official.post(f"/agreements/{MATGILLE}/amendment/new/", {"reason": "Senare."})
    refused = official.post(f"/agreements/{MATGILLE}/amendment/discard/", {"reason": ""})
    assert refused.status_code == 400
    assert "Skäl till makuleringen: Detta fält måste fyllas i" in text(refused)
    done = official.post(
        f"/agreements/{MATGILLE}/amendment/discard/", {"reason": "Fel underlag."}, follow=True
    )
    assert "Tillägget är makulerat. Version 1 gäller som förut." in text(done)
    assert matgille_amendment().status == AmendmentStatus.DISCARDED
    assert official.get(f"/agreements/{MATGILLE}/amendment/").status_code == 404


def test_verify_says_a_newer_version_replaces_version_1() -> None:
    document = SignedDocument.objects.get(agreement__reference=COOMPANION, agreement_version=1)
    with document.file.open("rb") as f:
        response = Client().post("/verify/", {"file": f})
    body = text(response)
    assert "Äkta: dokumentet är oförändrat" in body
    assert "Ersatt: version 2 ersätter version 1" in body


def test_the_official_is_told_when_an_amending_decision_changed_a_sent_agreements_money() -> None:
    allocation = Allocation.objects.get(agreement__reference="GF-2024-HIGHFIVE")
    Allocation.objects.filter(pk=allocation.pk).update(amount=Decimal(1_900_000))
    official = login(Client(), "handlaggare")
    page = text(official.get("/agreements/GF-2024-HIGHFIVE/"))
    assert "Fördelningen är ändrad genom beslut till 1 900 000 kr." in page
    assert "en skickad överenskommelse dras först tillbaka" in page
    partner = text(login(Client(), "highfive").get("/agreements/GF-2024-HIGHFIVE/"))
    assert "Fördelningen är ändrad" not in partner
