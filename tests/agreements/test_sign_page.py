"""The signing pages show what is signed before the checkbox (issue 19)."""

import re

import pytest
from django.test import Client

from agreements.models import Agreement
from tests.helpers import login, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Highfive's agreement is out for signing; Coompanion's amendment too."""


def test_the_terms_come_before_the_checkbox(client: Client) -> None:
    agreement = Agreement.objects.get(reference="GF-2024-HIGHFIVE")
    page = text(login(client, "highfive").get("/agreements/GF-2024-HIGHFIVE/sign/"))
    terms = page.index("Det här skriver du under")
    checkbox = page.index('type="checkbox"')
    assert terms < checkbox
    shown = page[terms:checkbox]
    assert agreement.purpose.splitlines()[0] in shown
    assert "Syfte" in shown
    assert "Villkor" in shown
    assert "Återrapportering" in shown
    assert "Betalningsplan" in shown
    for requirement in agreement.reporting_requirements.all():
        assert requirement.description in shown
    for instalment in agreement.instalments.all():
        assert f"Utbetalning {instalment.number}:" in shown
    assert 'href="/agreements/GF-2024-HIGHFIVE/preview/"' in shown
    assert "En underskrift går inte att ångra." in page


def test_the_checkbox_sits_with_its_label(client: Client) -> None:
    page = text(login(client, "highfive").get("/agreements/GF-2024-HIGHFIVE/sign/"))
    pair = re.search(
        r'<div class="field checkbox"><input type="checkbox" name="confirm"[^>]*'
        r'id="id_confirm"[^>]*> <label for="id_confirm">'
        r"Jag har läst överenskommelsen och skriver under den.</label></div>",
        page,
    )
    assert pair is not None


def test_the_partner_may_open_the_draft_it_signs(client: Client) -> None:
    import io

    from pypdf import PdfReader

    response = login(client, "highfive").get("/agreements/GF-2024-HIGHFIVE/preview/")
    assert response.status_code == 200
    assert "UTKAST" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    # Another partner still gets the same 404 as for a missing agreement.
    other = login(Client(), "matgille").get("/agreements/GF-2024-HIGHFIVE/preview/")
    assert other.status_code == 404


def test_a_refused_signature_keeps_the_terms_on_the_page(client: Client) -> None:
    login(client, "highfive")
    refused = client.post("/agreements/GF-2024-HIGHFIVE/sign/", {"password": "fel"})
    assert refused.status_code == 400
    page = text(refused)
    assert "Det här skriver du under" in page
    assert "Något behöver rättas" in page


def test_the_amendment_signing_page_shows_the_proposed_version(client: Client) -> None:
    from agreements import services
    from agreements.models import AgreementAmendment

    agreement = Agreement.objects.get(reference="GF-2024-COOMPANION")
    amendment = services.draft_amendment(agreement=agreement, reason="Ny period", by=None)
    AgreementAmendment.objects.filter(pk=amendment.pk).update(purpose="Det nya syftet.")
    services.send_amendment(amendment=amendment, by=None)
    page = text(login(client, "coompanion").get("/agreements/GF-2024-COOMPANION/amendment/sign/"))
    terms = page.index("Det här skriver du under")
    checkbox = page.index('type="checkbox"')
    assert terms < checkbox
    shown = page[terms:checkbox]
    assert 'href="/agreements/GF-2024-COOMPANION/amendment/preview/"' in shown
    assert "Det nya syftet." in shown
    assert agreement.purpose.splitlines()[0] not in shown
