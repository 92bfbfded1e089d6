"""Backup and restore of the database records and the stored documents, as one file.

A backup is a gzipped tar with `data.json` (the records, via dumpdata with natural foreign
keys, so content types and permissions are matched by name), `manifest.json` (every stored
document with its SHA-256) and `media/<name>` for each document. Restoring refuses a database
that already has users, checks every document against the manifest before writing it, loads the
records, and checks the documents again from storage.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models, transaction

from accounts.models import User

APPS = ("accounts", "audit", "partners", "funding", "agreements", "archive", "otp_totp")


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Restored:
    records: int
    documents: int


def _stored_names() -> list[str]:
    names: set[str] = set()
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.FileField):
                    names.update(
                        n for n in model._default_manager.values_list(field.name, flat=True) if n
                    )
    return sorted(names)


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as f:
        while chunk := f.read(256 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def backup(target: Path) -> int:
    """Write the backup to `target`; return how many documents it holds."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        call_command("dumpdata", *APPS, natural_foreign=True, output=str(data), verbosity=0)
        names = _stored_names()
        manifest: list[dict[str, str | int]] = [
            {"name": n, "sha256": _sha256(n), "size": default_storage.size(n)} for n in names
        ]
        with tarfile.open(target, "w:gz") as tar:
            tar.add(data, arcname="data.json")
            blob = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
            for entry in manifest:
                info = tarfile.TarInfo(f"media/{entry['name']}")
                info.size = int(entry["size"])
                with default_storage.open(str(entry["name"]), "rb") as f:
                    tar.addfile(info, f)
    return len(manifest)


def _safe(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"unsafe path in backup: {name!r}")
    return str(path)


def restore(source: Path) -> Restored:
    """Restore a backup into an empty database and storage."""
    if User.objects.exists():
        raise BackupError("The database is not empty: restore only into a new database.")
    with tarfile.open(source, "r:gz") as tar, tempfile.TemporaryDirectory() as tmp:
        manifest_file = tar.extractfile("manifest.json")
        data_file = tar.extractfile("data.json")
        if manifest_file is None or data_file is None:
            raise BackupError("Not a backup made by `manage.py backup`.")
        manifest = json.loads(manifest_file.read())

        def content_of(entry: dict[str, str]) -> bytes:
            member = tar.extractfile(f"media/{_safe(entry['name'])}")
            if member is None:
                raise BackupError(f"{entry['name']} is missing from the backup")
            return member.read()

        # Check everything before writing anything: a bad backup leaves storage untouched.
        for entry in manifest:
            if hashlib.sha256(content_of(entry)).hexdigest() != entry["sha256"]:
                raise BackupError(f"{entry['name']} does not match its SHA-256 in the manifest")
            if default_storage.exists(entry["name"]) and _sha256(entry["name"]) != entry["sha256"]:
                raise BackupError(f"{entry['name']} already exists in storage with other content")
        for entry in manifest:
            name = _safe(entry["name"])
            if default_storage.exists(name):
                continue  # checked above: the same content is already there
            if default_storage.save(name, ContentFile(content_of(entry))) != name:
                raise BackupError(f"storage renamed {name}")
        data = Path(tmp) / "data.json"
        data.write_bytes(data_file.read())
        records = len(json.loads(data.read_text()))
        with transaction.atomic():
            call_command("loaddata", str(data), verbosity=0)
    for entry in manifest:
        if _sha256(entry["name"]) != entry["sha256"]:
            raise BackupError(f"{entry['name']} changed while restoring")
    return Restored(records=records, documents=len(manifest))
