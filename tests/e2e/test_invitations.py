"""An invitation in a real browser (issue 16): an official invites a partner user on the
partner page; the e-mail lands in the development outbox (files); the new user opens its link,
chooses a password, logs in and sees their organisation's agreements. axe checks each new
page on the way."""

import email
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import log_in
from tests.e2e.test_accessibility import _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Ett-bra-lösenord-2024"


def outbox(folder: Path) -> list[str]:
    """The plain-text bodies the file-based mailer wrote (one file per connection)."""
    bodies = []
    for log in sorted(folder.glob("*.log")):
        for raw in log.read_text().split("-" * 79):
            if raw.strip():
                message = email.message_from_string(raw.strip(), policy=default_policy)
                part = message.get_body(preferencelist=("plain",))
                assert part is not None, "no text/plain part"
                bodies.append(str(part.get_content()))
    return bodies


def test_an_invited_partner_user_sets_a_password_logs_in_and_sees_agreements(
    page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    log_in(page, "handlaggare")
    page.goto("/partners/coompanion/")
    page.get_by_role("link", name="Bjud in användare").click()
    assert _violations(page) == []
    page.get_by_label("Förnamn").fill("Karin")
    page.get_by_label("Efternamn").fill("Ek")
    page.get_by_label("E-postadress").fill("Karin.Ek@example.se")
    page.get_by_label("Titel").fill("Verksamhetsledare")
    screenshot(page, "invitation-form")
    page.get_by_role("button", name="Skicka inbjudan").click()
    expect(page.locator(".messages")).to_contain_text("En inbjudan har skickats")
    users = page.locator("section", has=page.get_by_role("heading", name="Användare"))
    expect(users).to_contain_text("Karin Ek")
    expect(users).to_contain_text("Inbjuden")
    assert _violations(page) == []
    screenshot(page, "invitation-partner-page-users")
    page.locator("header").get_by_role("button", name="Logga ut").click()

    [body] = outbox(tmp_path)
    assert "har bjudit in dig till ett konto för Coompanion" in body
    link = next(line for line in body.splitlines() if "/accounts/invitation/" in line)
    path = link[link.index("/accounts/invitation/") :].strip()

    page.goto(path)
    expect(page.get_by_role("heading", name="Välj lösenord")).to_be_visible()
    assert "/set-password/" in page.url  # the token left the address bar at once
    assert _violations(page) == []
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    screenshot(page, "invitation-choose-password")
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page.locator(".messages")).to_contain_text("Ditt lösenord är sparat")
    screenshot(page, "invitation-accepted-login")

    log_in(page, "karin.ek@example.se", PASSWORD)
    page.goto("/agreements/")
    expect(page.locator("main")).to_contain_text("GF-2024-COOMPANION")
    screenshot(page, "invitation-new-user-agreements")

    page.goto(path)  # the same link again
    expect(page.get_by_role("heading", name="Länken fungerar inte längre")).to_be_visible()
    assert _violations(page) == []
    screenshot(page, "invitation-link-used")


def test_forgotten_password_pages_are_accessible(page: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    assert _violations(page) == []
    page.get_by_label("E-postadress").fill("ingen@example.se")
    page.get_by_role("button", name="Skicka länk").click()
    expect(page.get_by_role("heading", name="Kontrollera din e-post")).to_be_visible()
    assert _violations(page) == []
    screenshot(page, "password-reset-sent")
