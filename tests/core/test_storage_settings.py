"""Shared document storage as settings (issue 18): DOCUMENT_STORAGE_BACKEND and its OPTIONS
build the storage every document goes through. S3 is configuration only here: no S3-compatible
server can be installed on these machines, so this checks the storage that would be used, not
a round trip (docs/deploy.md says so)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django
django.setup()
from django.core.files.storage import default_storage, storages
from storages.backends.s3 import S3Storage
storage = storages["default"]
print(type(storage).__name__, default_storage.bucket_name)  # what FileFields and sealing use
print(storage.bucket_name, storage.endpoint_url, storage.default_acl, storage.querystring_auth)
print(isinstance(storage, S3Storage))
"""


def test_the_s3_settings_build_an_s3_storage_for_every_document() -> None:
    options = {
        "bucket_name": "halland-documents",
        "endpoint_url": "https://s3.example.se",
        "default_acl": "private",
        "querystring_auth": True,
    }
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "sqlite:///:memory:",
        "SITE_URL": "https://grundfinansiering.example.se",
        "DOCUMENT_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
        "DOCUMENT_STORAGE_OPTIONS": json.dumps(options),
    }
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0].split() == ["S3Storage", "halland-documents"]
    assert out[1] == "halland-documents https://s3.example.se private True"
    assert out[2] == "True"


def test_by_default_documents_go_to_the_file_system() -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "sqlite:///:memory:",
        "SITE_URL": "https://grundfinansiering.example.se",
    }
    probe = (
        "import django; django.setup(); "
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "FileSystemStorage"
