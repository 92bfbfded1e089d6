"""The workflows of design §4 in a real browser: allocate, decide, sign, verify."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from funding.models import Decision
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_official_sees_totals_move_and_over_ceiling_is_saved_with_a_warning(page: Any) -> None:
    log_in(page, "handlaggare")
    page.goto("/budget/2025/grundfinansiering/allocations/")
    totals = page.locator("#allocation-totals")
    assert "11 900 000" in totals.inner_text().replace("\u00a0", " ")
    page.get_by_label("Hallands Matgille").fill("4 000 000")
    expect(totals).to_contain_text("Över taket")  # the server's fragment, swapped in by htmx
    assert "12 900 000" in totals.inner_text().replace("\u00a0", " ")
    screenshot(page, "flow-allocations-over-ceiling")
    page.get_by_role("button", name="Spara utkast").click()
    message = page.locator(".messages").inner_text().replace("\u00a0", " ")
    assert "överstiger ramen med 1 000 000 kr" in message


def test_keyboard_only_editing(page: Any) -> None:
    log_in(page, "handlaggare")
    page.goto("/budget/2025/grundfinansiering/allocations/")
    page.get_by_label("Connect Väst").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("1 600 000")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "save":
            break
    assert page.evaluate("document.activeElement.name") == "save"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Fördelningen är sparad" in page.locator(".messages").inner_text()


def test_partner_signs_region_seals_partner_downloads_and_verify_accepts(
    page: Any, tmp_path: Any
) -> None:
    log_in(page, "highfive")
    page.goto("/agreements/GF-2024-HIGHFIVE/")
    page.get_by_role("link", name="Skriv under för partnern").click()
    page.get_by_label("Ditt lösenord").fill("halland-demo")
    page.get_by_label("Jag har läst överenskommelsen och skriver under den.").check()
    page.get_by_role("button", name="Skriv under").click()
    assert "Du har skrivit under" in page.locator(".messages").inner_text()
    page.locator("header").get_by_role("button", name="Logga ut").click()

    log_in(page, "handlaggare")
    page.goto("/agreements/GF-2024-HIGHFIVE/sign/")
    page.get_by_label("Ditt lösenord").fill("halland-demo")
    page.get_by_label("Jag har läst överenskommelsen och skriver under den.").check()
    page.get_by_role("button", name="Skriv under").click()
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "signed"
    page.locator("header").get_by_role("button", name="Logga ut").click()

    log_in(page, "highfive")
    page.goto("/agreements/GF-2024-HIGHFIVE/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner den underskrivna PDF:en (version 1)").click()
    pdf = tmp_path / "signed.pdf"
    download.value.save_as(pdf)
    page.goto("/verify/")
    page.get_by_label("PDF-fil att kontrollera").set_input_files(str(pdf))
    page.locator("main").get_by_role("button", name="Kontrollera", exact=True).click()
    result = page.locator(".verify-result").inner_text()
    screenshot(page, "flow-verify-accepts")
    assert "Äkta" in result
    assert "GF-2024-HIGHFIVE, version 1" in result


def test_secretary_records_a_decision_and_downloads_its_pdf(page: Any) -> None:
    log_in(page, "sekreterare")
    page.goto("/decisions/new/")
    page.get_by_label("Sammanträdesdatum").fill("2024-10-22")
    page.get_by_label("Paragraf (§)").fill("88")
    page.get_by_label(re.compile("^Diarienummer")).fill("RS240088")
    page.get_by_label("Rubrik").fill("Grundfinansiering 2025")
    page.get_by_label("Beslutstext").fill("Tillväxtutskottet beslutar enligt bilagan.")
    page.get_by_role("button", name="Spara").click()
    assert "registrerat som utkast" in page.locator(".messages").inner_text()
    response = page.request.get(page.url + "pdf/")
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")


def test_partner_cannot_reach_another_partners_pages(page: Any) -> None:
    log_in(page, "highfive")
    for url in ("/agreements/GF-2024-COOMPANION/", "/agreements/GF-2024-COOMPANION/pdf/"):
        response = page.goto(url)
        assert response is not None
        assert response.status == 404
    assert "Sidan finns inte" in page.locator("h1").inner_text()


def test_keyboard_only_signing(page: Any) -> None:
    log_in(page, "highfive")
    page.goto("/agreements/GF-2024-HIGHFIVE/sign/")
    page.get_by_label("Namn som visas").focus()
    page.keyboard.press("Tab")  # title
    page.keyboard.press("Tab")  # password
    page.keyboard.type("halland-demo")
    page.keyboard.press("Tab")  # confirmation checkbox
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # the sign button
    assert page.evaluate("document.activeElement.textContent").strip() == "Skriv under"
    page.keyboard.press("Enter")
    page.wait_for_url("**/agreements/GF-2024-HIGHFIVE/")
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "partner_signed"


def test_deciding_over_the_ceiling_is_refused_in_the_browser(page: Any) -> None:
    log_in(page, "handlaggare")
    page.goto("/budget/2025/grundfinansiering/allocations/")
    page.get_by_label("HighFive").fill("5 000 000")
    page.get_by_role("button", name="Spara utkast").click()
    page.locator("header").get_by_role("button", name="Logga ut").click()

    log_in(page, "sekreterare")
    page.goto("/decisions/new/")
    page.get_by_label("Sammanträdesdatum").fill("2024-10-22")
    page.get_by_label("Paragraf (§)").fill("89")
    page.get_by_label(re.compile("^Diarienummer")).fill("RS240089")
    page.get_by_label("Rubrik").fill("Grundfinansiering 2025")
    page.get_by_label("Beslutstext").fill("Beslut enligt bilagan.")
    page.get_by_role("button", name="Spara").click()
    for name in ("Coompanion", "Connect Väst", "Hallands Matgille", "HighFive", "Leap for Life",
                 "TEK Kompetens"):  # fmt: skip
        page.get_by_label(name, exact=False).first.check()
    page.get_by_role("button", name="Lägg till i beslutet").click()
    # Issue 19: the button leads to a confirmation; the refusal stands on it.
    page.get_by_role("link", name="Fatta beslutet").click()
    page.get_by_role("button", name=re.compile("^Fatta beslutet")).click()
    message = page.locator(".error-summary").inner_text().replace("\u00a0", " ")
    screenshot(page, "flow-decision-over-ceiling-refused")
    assert "över ramen" in message
    assert Decision.objects.get(paragraph=89).status == "draft"
