"""Enrolling an authenticator app in a real browser: the QR code shows, the code confirms,
the recovery codes are shown once; axe-clean, and no sideways scrolling at 320 px."""

import re
import time
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from tests.e2e.conftest import screenshot
from tests.e2e.test_accessibility import _violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "ett-langt-losenord-1"


def test_a_new_official_enrols_in_the_browser(page: Any) -> None:
    User.objects.create_user("ny", password=PASSWORD, role=Role.OFFICIAL, first_name="Ny")
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill("ny")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/setup/"))
    qr = page.get_by_role("img", name=re.compile("QR-kod"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # drawn, not blocked
    assert _violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.set_viewport_size({"width": 1000, "height": 900})
    screenshot(page, "two-factor-enrolment")

    page.get_by_label("Engångskod").fill("000000")
    page.get_by_role("button", name="Aktivera").click()
    assert "Koden stämmer inte" in page.locator(".error-summary").inner_text()
    device = TOTPDevice.objects.get(user__username="ny")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    page.get_by_label("Engångskod").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Aktivera").click()
    codes = page.locator(".recovery-codes code")
    assert codes.count() == 10
    assert _violations(page) == []
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name=re.compile("Jag har sparat koderna")).click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    assert page.locator("h1").count() == 1
