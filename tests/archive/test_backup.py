"""Backup and restore (issue 6): into an empty database and empty storage, everything back."""

import io
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from agreements.models import SignedDocument
from archive.backup import APPS, _sha256
from audit.models import AuditEvent
from funding.models import DecisionDocument

pytestmark = pytest.mark.django_db(transaction=True)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def _documents() -> dict[str, str]:
    docs = list(SignedDocument.objects.all()) + list(DecisionDocument.objects.all())
    return {d.file.name: d.sha256 for d in docs}


def test_restore_into_an_empty_database_finds_every_record_and_document(
    demo: None, tmp_path: Path, settings: object
) -> None:
    counts, documents = _counts(), _documents()
    audit_ids = sorted(AuditEvent.objects.values_list("pk", flat=True))
    assert len(documents) == 4
    backup = tmp_path / "backup.tar.gz"
    call_command("backup", str(backup), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = str(tmp_path / "empty-storage")  # type: ignore[attr-defined]
    assert _counts()["accounts.User"] == 0
    assert not default_storage.exists(next(iter(documents)))

    call_command("restore", str(backup), verbosity=0)
    assert _counts() == counts
    assert _documents() == documents
    for name, sha256 in documents.items():
        assert _sha256(name) == sha256
    assert sorted(AuditEvent.objects.values_list("pk", flat=True)) == audit_ids


def test_restore_refuses_a_database_with_data(demo: None, tmp_path: Path) -> None:
    backup = tmp_path / "backup.tar.gz"
    call_command("backup", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), verbosity=0)


def test_restore_refuses_a_changed_document(demo: None, tmp_path: Path, settings: object) -> None:
    backup = tmp_path / "backup.tar.gz"
    call_command("backup", str(backup), verbosity=0)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(backup, "r:gz") as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("media/") and member.name.endswith(".pdf"):
                content = content.replace(b"%%EOF", b"%%EOX", 1)
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = str(tmp_path / "empty-storage")  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(tampered), verbosity=0)
    assert _counts()["accounts.User"] == 0  # nothing was loaded
    assert not (tmp_path / "empty-storage").exists()  # and nothing was written
