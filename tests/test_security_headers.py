"""Security headers and Django's deployment checklist (issue 6, ASVS V3)."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from funding.models import BudgetYear, Decision
from tests.helpers import login, text

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
        "SITE_URL": "https://grundfinansiering.example.se",
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


# --- issue 13, finding 9 -------------------------------------------------------------------


def test_the_health_check_answers_over_plain_http_with_production_defaults(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True  # the production default (DEBUG off)
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to HTTPS
    assert client.get("/healthz/").status_code in (301, 404)  # only the exact path is exempt


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("coompanion", "/agreements/GF-2024-COOMPANION/pdf/"),
        ("handlaggare", "/agreements/GF-2024-LEAP-FOR-LIFE/preview/"),
        ("sekreterare", "/decisions/{decision}/pdf/"),
        ("handlaggare", "/budget/2024/export.xlsx"),
        ("handlaggare", "/budget/2024/export/payments.csv"),
    ],
)
def test_documents_and_exports_are_never_stored_by_caches(
    demo: None, client: Client, username: str, url: str
) -> None:
    login(client, username)
    decision = Decision.objects.get(paragraph=101)
    response = client.get(url.format(decision=decision.pk))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_archive_bundle_download_is_never_stored_by_caches(demo: None, client: Client) -> None:
    from archive.models import ArchiveBundle
    from archive.services import build_bundle, request_bundle

    login(client, "sekreterare")
    secretary = User.objects.get(username="sekreterare")
    bundle = request_bundle(budget_year=BudgetYear.objects.get(year=2024), by=secretary)
    build_bundle(bundle.pk)
    response = client.get(f"/archive/{ArchiveBundle.objects.get(pk=bundle.pk).pk}/download/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


def test_the_csrf_failure_page_is_ours_and_in_swedish(demo: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = text(response)
    assert "Formuläret kunde inte skickas" in body
    assert "CSRF verification failed" not in body
    assert 'href="/accessibility/"' in body  # the site's own page, with its footer
    client.cookies.load({"django_language": "en"})
    english = text(client.post("/accounts/login/", {"username": "x", "password": "y"}))
    assert "The form could not be sent" in english


def test_the_api_answers_head_as_get_without_a_body(demo: None) -> None:
    from api.services import create_token

    _token, secret = create_token(
        user=User.objects.get(username="handlaggare"), name="head", by=None
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    for path in ("/api/v1/agreements", "/api/v1/agreements/GF-2024-COOMPANION", "/api/v1/"):
        get, head = client.get(path), client.head(path)
        assert get.status_code == head.status_code == 200, path
        assert head.content == b""
        assert head["Content-Type"] == get["Content-Type"] == "application/json; charset=utf-8"
        assert int(head["Content-Length"]) == len(get.content)
    assert client.head("/api/v1/agreements/GF-1999-NOTHING").status_code == 404
    assert Client().head("/api/v1/agreements").status_code == 401
    assert client.head("/api/v1/openapi.json").status_code == 200
