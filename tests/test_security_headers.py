"""Security headers and Django's deployment checklist (issue 6, ASVS V3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("url", ["/accounts/login/", "/verify/", "/accessibility/"])
def test_strict_content_security_policy(client: Client, url: str) -> None:
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(client: Client) -> None:
    body = client.get("/accounts/login/").content.decode()
    assert "<script>" not in body
    assert " style=" not in body
    assert "<style" not in body


def test_check_deploy_is_clean_with_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "off",
        "SECRET_KEY": "a-production-like-secret-that-is-long-and-random-5ba9c1e0d7f2a4b8c6e3",
        "ALLOWED_HOSTS": "grundfinansiering.example.se",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_hsts_for_a_year_when_debug_is_off() -> None:
    from django.conf import settings as live

    assert live.SECURE_HSTS_SECONDS >= 31_536_000
    assert live.SESSION_COOKIE_HTTPONLY
