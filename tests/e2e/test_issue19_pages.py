"""Issue 19's pages in real Chromium, with axe: /verify/'s three answers, the second step
without the menu, signing with the terms first, and adding a row without JavaScript."""

from typing import Any

import pytest

from agreements.models import SignedDocument
from tests.e2e.helpers import DEMO_KEY, log_in
from tests.e2e.test_accessibility import _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _stored(reference: str) -> bytes:
    document = SignedDocument.objects.filter(agreement__reference=reference).latest(
        "agreement_version"
    )
    with document.file.open("rb") as f:
        return f.read()


@pytest.mark.parametrize("answer", ["authentic", "broken", "unknown"])
def test_each_verify_answer_is_accessible(page: Any, answer: str) -> None:
    pdf = _stored("GF-2024-MATGILLE")
    if answer == "broken":
        changed = bytearray(pdf)
        changed[changed.index(b"stream") + 40] ^= 0x01
        pdf = bytes(changed)
    elif answer == "unknown":
        pdf = b"%PDF-1.7\nnot really\n%%EOF\n"
    page.goto("/verify/")
    page.get_by_label("PDF-fil att kontrollera").set_input_files(
        {"name": "x.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.locator("main").get_by_role("button", name="Kontrollera", exact=True).click()
    assert page.locator(f".verify-result.verify-{answer}").count() == 1
    assert _violations(page) == []


def test_the_second_step_has_no_menu_and_no_violations(page: Any) -> None:
    from django_otp.oath import totp

    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill("handlaggare")
    page.get_by_label("Lösenord").fill("halland-demo")
    page.locator("main").get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/accounts/2fa/**")
    assert page.get_by_role("navigation", name="Huvudmeny").count() == 0
    assert page.locator("main select").count() == 0
    assert _violations(page) == []
    page.get_by_label("Engångskod").fill(f"{totp(DEMO_KEY):06d}")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    assert page.get_by_role("navigation", name="Huvudmeny").count() == 1


def test_signing_shows_the_terms_then_the_checkbox(page: Any) -> None:
    log_in(page, "highfive")
    page.goto("/agreements/GF-2024-HIGHFIVE/sign/")
    terms = page.get_by_role("heading", name="Det här skriver du under").bounding_box()
    checkbox = page.get_by_label("Jag har läst överenskommelsen och skriver under den.")
    assert terms["y"] < checkbox.bounding_box()["y"]
    label = page.locator("label[for=id_confirm]").bounding_box()
    box = checkbox.bounding_box()
    assert abs(label["y"] - box["y"]) < 20  # on the same line
    assert label["x"] > box["x"]  # the label after the box
    link = page.get_by_role("link", name="Öppna överenskommelsen som PDF")
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF-")


def test_adding_a_payment_row_in_the_browser(page: Any) -> None:
    log_in(page, "handlaggare")
    page.goto("/agreements/GF-2024-LEAP-FOR-LIFE/edit/")
    rows = page.locator("input[name$='-amount']").count()
    page.get_by_label("Syfte").fill("Skrivet innan raden lades till.")
    page.get_by_role("button", name="Lägg till en utbetalning").click()
    assert page.locator("input[name$='-amount']").count() == rows + 1
    assert page.get_by_label("Syfte").input_value() == "Skrivet innan raden lades till."
    assert _violations(page) == []


def test_enter_in_a_field_saves_rather_than_adds_a_row(page: Any) -> None:
    # The first submit button in a form is the one Enter presses: a hidden "Spara utkastet"
    # stands before the "Lägg till …" buttons, so Enter saves and adds no row.
    log_in(page, "handlaggare")
    page.goto("/agreements/GF-2024-LEAP-FOR-LIFE/edit/")
    rows = page.locator("input[name$='-amount']").count()
    page.locator("input[name$='-amount']").first.press("Enter")
    page.wait_for_url("**/agreements/GF-2024-LEAP-FOR-LIFE/")
    assert page.locator(".govuk-notification-banner").count() == 1
    assert rows > 0
