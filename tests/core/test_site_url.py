"""SITE_URL is printed in every sealed document and e-mail link: production must say it, like
SECRET_KEY, and refuses to start without it (issue 19); only DEBUG has a development default."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"


def _start(**environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "sqlite:///:memory:",
        **environ,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_it() -> None:
    started = _start(DEBUG="off")
    assert started.returncode != 0
    assert "ImproperlyConfigured: Set SITE_URL" in started.stderr


def test_production_prints_what_it_is_given() -> None:
    started = _start(DEBUG="off", SITE_URL="https://grundfinansiering.regionhalland.se")
    assert started.stdout.strip() == "https://grundfinansiering.regionhalland.se"


def test_only_development_has_a_default() -> None:
    assert _start(DEBUG="on").stdout.strip() == "http://127.0.0.1:8000"
