"""Changing decided money and a signed agreement, in a real browser (issue 17): the official
proposes an amendment, the secretary decides it, the official drafts the agreement's amendment,
the partner and the region sign it, the partner downloads both versions, and /verify/ of
version 1 says version 2 replaces it."""

import hashlib
import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.models import User
from agreements.models import SignedDocument
from funding import services as funding
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERENCE = "GF-2024-MATGILLE"


def new_page(browser: Any, live_server: Any) -> Any:
    page = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    page.set_default_timeout(10_000)
    return page


def test_amending_decision_then_agreement_amendment_signed_by_both(
    page: Any, browser: Any, live_server: Any, tmp_path: Any
) -> None:
    official = new_page(browser, live_server)
    log_in(official, "handlaggare")

    # The official proposes 2 900 000 kr instead of 3 000 000 kr.
    official.goto("/budget/2024/grundfinansiering/allocations/")
    official.get_by_role("link", name="Föreslå ändring för Hallands Matgille").click()
    official.get_by_label("Nytt belopp (kr)").fill("2 900 000")
    official.get_by_label("Skäl till ändringen").fill("Verksamheten startar senare.")
    official.get_by_role("button", name="Föreslå ändringen").click()
    expect(official.locator(".messages")).to_be_visible()

    # The secretary takes it up in a draft decision and decides it.
    decision = funding.create_decision(
        meeting_date=date(2024, 6, 11),
        paragraph=61,
        registration_number="RS240061",
        title="Ändrad grundfinansiering 2024",
        text="Tillväxtutskottet beslutar att ändra grundfinansieringen enligt tabellen nedan.",
        by=User.objects.get(username="sekreterare"),
    )
    secretary = new_page(browser, live_server)
    log_in(secretary, "sekreterare")
    secretary.goto(f"/decisions/{decision.pk}/")
    secretary.locator("tr", has_text="Verksamheten startar senare.").get_by_role(
        "button", name="Ta upp i beslutet"
    ).click()
    expect(secretary.locator("main")).to_contain_text("2 900 000 kr (ändras från 3 000 000 kr)")
    secretary.get_by_role("link", name="Fatta beslutet").click()  # a confirmation (issue 19)
    secretary.get_by_role("button", name=re.compile("^Fatta beslutet")).click()
    expect(secretary.locator(".messages")).to_be_visible()
    secretary.context.close()

    # The official drafts the agreement's amendment: the plan follows the decided amount.
    official.goto(f"/agreements/{REFERENCE}/")
    expect(official.locator("main")).to_contain_text("behöver ett tillägg")
    official.get_by_role("link", name="Gör ett tillägg").click()
    official.get_by_label("Skäl till ändringen").fill("Ändringsbeslut 11 juni 2024, § 61.")
    official.get_by_role("button", name="Upprätta tillägget").click()
    screenshot(official, "amendment-1-edit")
    official.get_by_role("button", name="Spara tillägget").click()
    expect(official.locator("main")).to_contain_text(
        "Beloppet ändras från 3 000 000 kr till 2 900 000 kr."
    )
    official.get_by_role("button", name="Skicka tillägget för underskrift").click()
    expect(official.locator(".messages")).to_contain_text("skickat till partnern")
    screenshot(official, "amendment-2-sent")

    # The partner's signatory signs it from the start page.
    log_in(page, "matgille")
    page.get_by_role("link", name="Skriv under tillägget (version 2)").click()
    page.get_by_label("Ditt lösenord").fill("halland-demo")
    page.get_by_label("Jag har läst överenskommelsen och skriver under den.").check()
    page.get_by_role("button", name="Skriv under tillägget").click()
    expect(page.locator(".messages")).to_contain_text("Du har skrivit under tillägget")

    # The region signs; version 2 is sealed and in force.
    official.goto("/")
    official.get_by_role(
        "link", name=f"Hallands Matgille: tillägg till {REFERENCE} (version 2)"
    ).click()
    official.get_by_role("link", name="Skriv under tillägget för regionen").click()
    official.get_by_label("Ditt lösenord").fill("halland-demo")
    official.get_by_label("Jag har läst överenskommelsen och skriver under den.").check()
    official.get_by_role("button", name="Skriv under tillägget").click()
    expect(official.locator(".messages")).to_contain_text("Du har skrivit under tillägget")
    official.context.close()

    # The partner downloads both versions, byte for byte as sealed.
    page.goto(f"/agreements/{REFERENCE}/")
    versions = page.locator("section", has_text="Versioner och tillägg")
    expect(versions).to_contain_text("Gällande")
    expect(versions).to_contain_text("Ersatt")
    screenshot(page, "amendment-3-partner-versions")
    files = {}
    for version in (1, 2):
        href = versions.get_by_role("link", name=f"Ladda ner version {version} (PDF)")
        response = page.request.get(href.get_attribute("href"))
        assert response.status == 200
        files[version] = response.body()
        stored = SignedDocument.objects.get(
            agreement__reference=REFERENCE, agreement_version=version
        )
        assert hashlib.sha256(files[version]).hexdigest() == stored.sha256

    # /verify/ of version 1: authentic, and replaced by version 2.
    old = tmp_path / f"{REFERENCE}-v1.pdf"
    old.write_bytes(files[1])
    page.goto("/verify/")
    page.get_by_label("PDF-fil att kontrollera").set_input_files(str(old))
    page.get_by_role("button", name="Kontrollera", exact=True).click()
    result = page.locator(".verify-result")
    expect(result).to_contain_text("Äkta")
    expect(result).to_contain_text("Ersatt: version 2 ersätter version 1")
    screenshot(page, "amendment-4-verify-replaced")
