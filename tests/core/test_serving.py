"""Production serving: hashed, compressed static files via WhiteNoise; health; JSON logs."""

import json
import logging
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from pythonjsonlogger.json import JsonFormatter

PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_served_with_a_long_cache(
    tmp_path: Path,
) -> None:
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
        hashed = manifest["css/site.css"]
        assert hashed != "css/site.css"
        assert (tmp_path / (hashed + ".gz")).is_file()
        assert (tmp_path / (hashed + ".br")).is_file()

        # Pages link the hashed name, and WhiteNoise (set up anew by each Client, with these
        # settings) answers it from STATIC_ROOT: the app servers serve their own files.
        page = Client().get("/accounts/login/")
        assert f"/static/{hashed}".encode() in page.content
        response = Client().get(f"/static/{hashed}", headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Encoding"] == "gzip"


def test_production_logs_are_one_json_object_a_line() -> None:
    from django.conf import settings

    # config/settings/base.py leaves LOGGING to inference: dict[str, object].
    formatters = cast(dict[str, dict[str, Any]], settings.LOGGING["formatters"])
    formatter = JsonFormatter(**{k: v for k, v in formatters["json"].items() if k != "()"})
    record = logging.LogRecord(
        "funding", logging.WARNING, __file__, 1, "Över ramen: %s", ("x",), None
    )
    line = formatter.format(record)
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "WARNING",
        "logger": "funding",
        "message": "Över ramen: x",
        "process": record.process,
    }


@pytest.mark.django_db
def test_readiness_answers_with_the_database_state(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
