"""Logging in as a person would: username, password, and for staff the six-digit code."""

import base64
from typing import Any

from django_otp.oath import totp

DEMO_KEY = base64.b32decode("HALLANDDEMOTOTP2")
STAFF = {"handlaggare", "sekreterare", "admin"}


def log_in(page: Any, username: str, password: str = "halland-demo") -> None:  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.locator("main").get_by_role("button", name="Logga in").click()
    if username in STAFF:
        page.get_by_label("Engångskod").fill(f"{totp(DEMO_KEY):06d}")
        page.get_by_role("button", name="Fortsätt").click()
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
