"""After the signature, in a real browser (issue 15): the partner writes and submits a report
with an attachment, the official returns it, the partner completes it, the official approves
it, releases the instalment tied to it and books it paid; the partner's start page shows each
step."""

from typing import Any

import pytest
from playwright.sync_api import expect

from agreements.models import Instalment, ReportingRequirement
from demo.follow_up import example_pdf
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERENCE = "GF-2024-MATGILLE"
FINAL = "Slutrapport med ekonomisk redovisning"


def card(page: Any) -> Any:
    return page.locator("section.card", has_text=REFERENCE)


def test_report_returned_completed_approved_then_paid(
    page: Any, browser: Any, live_server: Any, tmp_path: Any
) -> None:
    """Two people at once, each in their own browser session (as they would be: the official's
    one-time code is used once)."""
    final = ReportingRequirement.objects.filter(agreement__reference=REFERENCE).latest("due_date")
    # In this walk-through the second instalment waits for the final report.
    second = Instalment.objects.get(agreement__reference=REFERENCE, number=2)
    Instalment.objects.filter(pk=second.pk).update(after_report=final)
    attachment = tmp_path / "Ekonomisk redovisning 2024.pdf"
    attachment.write_bytes(example_pdf("Ekonomisk redovisning 2024"))

    official = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    official.set_default_timeout(10_000)
    log_in(official, "handlaggare")

    # The partner: the late final report is the first thing to do.
    log_in(page, "matgille")
    expect(card(page)).to_contain_text("Försenad")
    screenshot(page, "follow-up-1-partner-start")
    card(page).get_by_role("link", name=f"Skriv återrapporten: {FINAL}").click()
    page.get_by_label("Redogörelse").fill("Vi har genomfört tolv aktiviteter under året.")
    page.get_by_label("Antal deltagande livsmedelsföretag (företag)").fill("64")
    page.get_by_label("Antal genomförda aktiviteter (aktiviteter)").fill("12")
    page.get_by_label("Lägg till bilagor").set_input_files(str(attachment))
    page.get_by_role("button", name="Lämna in återrapporten").click()
    expect(page.locator(".messages")).to_contain_text("Återrapporten är inlämnad")
    expect(page.get_by_role("link", name="Ekonomisk redovisning 2024.pdf")).to_be_visible()
    page.goto("/")
    expect(card(page)).not_to_contain_text(f"Skriv återrapporten: {FINAL}")

    # The official returns it from "Att göra".
    official.goto("/")
    official.get_by_role("link", name=f"Hallands Matgille: {FINAL}").first.click()
    official.get_by_label("Vad ska partnern komplettera?").fill("Bifoga revisionsberättelsen.")
    official.get_by_role("button", name="Returnera för komplettering").click()
    expect(official.locator(".messages")).to_contain_text("returnerad")

    # The partner completes it.
    page.goto("/")
    card(page).get_by_role("link", name=f"Komplettera återrapporten: {FINAL}").click()
    expect(page.locator(".notice")).to_contain_text("Bifoga revisionsberättelsen.")
    page.get_by_label("Redogörelse").fill("Tolv aktiviteter. Revisionsberättelsen är bifogad.")
    page.get_by_label("Lägg till bilagor").set_input_files(str(attachment))
    page.get_by_role("button", name="Lämna in återrapporten").click()
    expect(page.locator(".messages")).to_contain_text("Återrapporten är inlämnad")

    # The official approves it, releases the instalment that waited for it and books it paid.
    official.goto(f"/agreements/{REFERENCE}/reports/{final.pk}/")
    official.get_by_label("Jag har granskat återrapporten och godkänner den.").check()
    official.get_by_role("button", name="Godkänn återrapporten").click()
    expect(official.locator(".messages")).to_contain_text("Återrapporten är godkänd")
    screenshot(official, "follow-up-2-approved")
    official.goto("/payments/?status=planned")
    official.get_by_label(f"Attestera {REFERENCE} nr 2; det kan inte ångras").check()
    official.locator("form", has_text=f"Attestera {REFERENCE} nr 2").get_by_role(
        "button", name="Attestera"
    ).click()
    expect(official.locator(".messages")).to_contain_text("attesterad")
    official.goto("/payments/?status=released")
    row = official.locator("tr", has_text=REFERENCE)
    row.get_by_role("button", name="Bokför som betald").click()
    expect(official.locator(".messages")).to_contain_text("bokförd som betald")
    official.context.close()

    # The partner sees the report approved and the payment made.
    page.goto("/")
    second.refresh_from_db()
    assert second.status == "paid"
    expect(card(page)).to_contain_text("Utbetalt")
    page.goto(f"/agreements/{REFERENCE}/")
    expect(page.locator("section", has_text="Betalningsplan")).to_contain_text("Utbetald")
    expect(page.locator("section", has_text="Återrapportering")).to_contain_text("Godkänd")
    screenshot(page, "follow-up-3-partner-agreement")
