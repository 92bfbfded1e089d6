"""Backup and restore (issue 6): into an empty database and empty storage, everything back.

Backups are encrypted with age to BACKUP_RECIPIENTS (security finding: the archive held
password hashes, TOTP secrets and documents in clear). Real keys and real encryption
throughout; the `age` command line tool reads what we write.
"""

import io
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import cast

import pyrage
import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pyrage import x25519
from pytest_django import Settings

from accounts.models import User
from agreements.models import SignedDocument
from archive.backup import AGE_MAGIC, APPS, _sha256, read_identities
from audit.models import AuditEvent
from funding.models import DecisionDocument

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
AGE = shutil.which("age")


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def _documents() -> dict[str, str]:
    docs = list(SignedDocument.objects.all()) + list(DecisionDocument.objects.all())
    # A stored document always has a file; django-stubs types FieldFile.name as str | None.
    return {cast(str, d.file.name): d.sha256 for d in docs}


def _recovery_codes() -> list[str]:
    """An official's recovery codes (twofactor): secrets the backup carries too."""
    device = StaticDevice.objects.create(
        user=User.objects.get(username="handlaggare"), name="Reservkoder"
    )
    codes = [StaticToken.random_token() for _ in range(3)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _make_key(path: Path) -> str:
    """A key pair made the way IT makes one; returns the public key."""
    call_command("create_backup_key", str(path), stdout=io.StringIO())
    return str(read_identities(path)[0].to_public())


@pytest.fixture
def key(tmp_path: Path, settings: Settings) -> Path:
    """The identity file of the one configured recipient (as on the machine that restores)."""
    path = tmp_path / "keys" / "backup-key.txt"
    path.parent.mkdir()
    settings.BACKUP_RECIPIENTS = [_make_key(path)]
    settings.BACKUP_IDENTITY_FILE = str(path)
    return path


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `tempfile` puts things during the test, to see that nothing clear stays behind."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def _decrypt(source: Path, target: Path, key: Path) -> None:
    with source.open("rb") as src, target.open("wb") as out:
        pyrage.decrypt_io(src, out, read_identities(key))


def _empty_database_and_storage(tmp_path: Path, settings: Settings) -> Path:
    call_command("flush", interactive=False, verbosity=0)
    storage = tmp_path / "empty-storage"
    settings.MEDIA_ROOT = str(storage)
    assert _counts()["accounts.User"] == 0
    return storage


def test_restore_into_an_empty_database_finds_every_record_and_document(
    demo: None, key: Path, tmp_path: Path, settings: Settings
) -> None:
    _recovery_codes()
    counts, documents = _counts(), _documents()
    assert counts["otp_static.StaticToken"] == 3
    audit_ids = sorted(AuditEvent.objects.values_list("pk", flat=True))
    assert len(documents) == 6  # 4 signed agreements (Coompanion in 2 versions), 2 extracts
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)

    _empty_database_and_storage(tmp_path, settings)
    assert not default_storage.exists(next(iter(documents)))

    call_command("restore", str(backup), verbosity=0)  # the identity from BACKUP_IDENTITY_FILE
    assert _counts() == counts
    assert _documents() == documents
    for name, sha256 in documents.items():
        assert _sha256(name) == sha256
    assert sorted(AuditEvent.objects.values_list("pk", flat=True)) == audit_ids


def test_the_backup_is_age_and_leaks_no_secret_and_no_document(
    demo: None, key: Path, tmp_path: Path, settings: Settings, private_tmp: Path
) -> None:
    # Two recipients, as in production (IT's key and the archive's): either one can read it.
    second_key = tmp_path / "keys" / "archive-key.txt"
    settings.BACKUP_RECIPIENTS = [*settings.BACKUP_RECIPIENTS, _make_key(second_key)]
    backup = tmp_path / "backup.age"
    codes = _recovery_codes()
    call_command("backup", str(backup), verbosity=0)
    raw = backup.read_bytes()

    assert raw.startswith(AGE_MAGIC)
    assert not raw.startswith(b"\x1f\x8b")  # not gzip
    assert not tarfile.is_tarfile(backup)

    secrets = [u.password.encode() for u in User.objects.all()]
    secrets += [d.key.encode() for d in TOTPDevice.objects.all()]
    secrets += [code.encode() for code in codes]
    assert len(secrets) > 3
    documents = {}
    for name in _documents():
        with default_storage.open(name, "rb") as f:
            documents[name] = f.read()
    # Windows from the start, the middle and the end of each document.
    pieces = [
        content[start : start + 64]
        for content in documents.values()
        for start in (0, len(content) // 2, len(content) - 64)
    ]
    for needle in secrets + pieces:
        assert needle not in raw

    # And they are all inside, for each recipient: the search above looked for the right bytes.
    for identity_file in (key, second_key):
        clear = tmp_path / f"clear-{identity_file.stem}.tar.gz"
        _decrypt(backup, clear, identity_file)
        with tarfile.open(clear, "r:gz") as tar:
            data = tar.extractfile("data.json").read()  # type: ignore[union-attr]
            for secret in secrets:
                assert secret in data
            for name, content in documents.items():
                assert tar.extractfile(f"media/{name}").read() == content  # type: ignore[union-attr]
    assert list(private_tmp.iterdir()) == []  # the clear tar did not outlive the command
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["backup.age", "keys", "tmp", "clear-backup-key.tar.gz", "clear-archive-key.tar.gz"]
    )


def test_backup_without_a_recipient_refuses_and_writes_no_file(
    demo: None, tmp_path: Path, settings: Settings
) -> None:
    settings.BACKUP_RECIPIENTS = []
    backup = tmp_path / "backup.age"
    with pytest.raises(CommandError, match=r"No backup recipient.*never written unencrypted"):
        call_command("backup", str(backup), verbosity=0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        ("age1notakey", "entry 1, is not an age X25519 public key"),
        # A private key pasted by mistake: refused, and not echoed into the logs.
        (str(x25519.Identity.generate()), "entry 1, is a private key"),
    ],
)
def test_backup_refuses_a_bad_recipient_without_echoing_it(
    demo: None, tmp_path: Path, settings: Settings, recipient: str, message: str
) -> None:
    settings.BACKUP_RECIPIENTS = [recipient]
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        call_command("backup", str(tmp_path / "backup.age"), verbosity=0)
    assert recipient not in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_backup_without_a_recipient_exits_non_zero(tmp_path: Path) -> None:
    """What cron sees: the command as a process, with no recipient in its environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "BACKUP_RECIPIENTS": "",
    }
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "backup", str(tmp_path / "backup.age")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "No backup recipient" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_restore_with_another_identity_says_so_and_writes_nothing(
    demo: None, key: Path, tmp_path: Path, settings: Settings, private_tmp: Path
) -> None:
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    other = tmp_path / "keys" / "someone-else.txt"
    _make_key(other)
    storage = _empty_database_and_storage(tmp_path, settings)

    with pytest.raises(CommandError, match="not encrypted to this identity"):
        call_command("restore", str(backup), identity=str(other), verbosity=0)
    assert _counts()["accounts.User"] == 0  # nothing was loaded
    assert not storage.exists()  # and nothing was written
    assert list(private_tmp.iterdir()) == []


def test_restore_without_an_identity_says_how_to_give_one(
    demo: None, key: Path, tmp_path: Path, settings: Settings
) -> None:
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    _empty_database_and_storage(tmp_path, settings)
    settings.BACKUP_IDENTITY_FILE = ""
    with pytest.raises(CommandError, match=r"No identity.*--identity FILE.*BACKUP_IDENTITY_FILE"):
        call_command("restore", str(backup), verbosity=0)
    with pytest.raises(CommandError, match=re.escape("missing.txt does not exist")):
        call_command("restore", str(backup), identity=str(tmp_path / "missing.txt"), verbosity=0)
    not_a_key = tmp_path / "not-a-key.txt"
    not_a_key.write_text("# a comment\nage1thisisapublickeynotanidentity\n")
    with pytest.raises(CommandError, match="line 2: not an age X25519 identity"):
        call_command("restore", str(backup), identity=str(not_a_key), verbosity=0)
    assert _counts()["accounts.User"] == 0


def test_restore_refuses_files_that_are_not_intact_age_backups(
    demo: None, key: Path, tmp_path: Path, settings: Settings, private_tmp: Path
) -> None:
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    raw = backup.read_bytes()
    clear = tmp_path / "clear.tar.gz"
    _decrypt(backup, clear, key)
    header_end = raw.index(b"\n---") + 1
    mac_at = header_end + len(b"--- ")
    # A valid age file of something else, encrypted to the right key.
    not_ours = pyrage.encrypt(b"just some text", [read_identities(key)[0].to_public()])
    damaged = {
        "clear.tar.gz": (clear.read_bytes(), "not an age-encrypted backup"),
        "empty.age": (b"", "not an age-encrypted backup"),
        "header.age": (
            raw[:mac_at] + bytes([raw[mac_at] ^ 1]) + raw[mac_at + 1 :],
            "is corrupted: its age header is damaged",
        ),
        "payload.age": (
            raw[:-100] + bytes([raw[-100] ^ 1]) + raw[-99:],
            "is corrupted or incomplete",
        ),
        "cut.age": (raw[: len(raw) // 2], "is corrupted or incomplete"),
        "other-content.age": (not_ours, "is not a backup made by `manage.py backup`"),
    }
    storage = _empty_database_and_storage(tmp_path, settings)
    for name, (content, message) in damaged.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("restore", str(path), verbosity=0)
    with pytest.raises(CommandError, match=re.escape("nothing-here.age does not exist")):
        call_command("restore", str(tmp_path / "nothing-here.age"), verbosity=0)
    assert _counts()["accounts.User"] == 0
    assert not storage.exists()
    assert list(private_tmp.iterdir()) == []


def test_restore_refuses_a_changed_document(
    demo: None, key: Path, tmp_path: Path, settings: Settings
) -> None:
    """Someone holding a public key can encrypt a forged archive: the manifest still holds."""
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    clear, tampered_tar = tmp_path / "clear.tar.gz", tmp_path / "tampered.tar.gz"
    _decrypt(backup, clear, key)
    with tarfile.open(clear, "r:gz") as src, tarfile.open(tampered_tar, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("media/") and member.name.endswith(".pdf"):
                content = content.replace(b"%%EOF", b"%%EOX", 1)
            member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    tampered = tmp_path / "tampered.age"
    with tampered_tar.open("rb") as src, tampered.open("wb") as out:
        pyrage.encrypt_io(src, out, [read_identities(key)[0].to_public()])
    storage = _empty_database_and_storage(tmp_path, settings)
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(tampered), verbosity=0)
    assert _counts()["accounts.User"] == 0  # nothing was loaded
    assert not storage.exists()  # and nothing was written


def test_restore_refuses_a_database_with_data(demo: None, key: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(backup), verbosity=0)


def test_create_backup_key_writes_a_private_file_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "key.txt"
    out = io.StringIO()
    call_command("create_backup_key", str(path), stdout=out)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    (identity,) = read_identities(path)
    public = str(identity.to_public())
    assert public.startswith("age1")
    assert f"# public key: {public}\n" in path.read_text()
    printed = out.getvalue()
    assert f"BACKUP_RECIPIENTS={public}\n" in printed
    assert f"BACKUP_IDENTITY_FILE={path.resolve()}\n" in printed
    assert str(identity) not in printed  # the private key stays in the file

    before = path.read_bytes()
    with pytest.raises(CommandError, match="already exists; refusing to overwrite"):
        call_command("create_backup_key", str(path), stdout=io.StringIO())
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_create_backup_key_runs_where_there_is_no_database(tmp_path: Path) -> None:
    """The key is made on the machine that keeps it (IT's), which has no application database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-directory' / 'db.sqlite3'}",
    }
    path = tmp_path / "key.txt"
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "create_backup_key", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"BACKUP_RECIPIENTS={read_identities(path)[0].to_public()}" in result.stdout


@pytest.mark.skipif(
    AGE is None,
    reason="SKIPPED: the `age` command is not installed (apt-get install age), so nothing "
    "shows that IT can decrypt a backup with it",
)
def test_the_age_command_decrypts_the_backup(
    demo: None, key: Path, tmp_path: Path, settings: Settings
) -> None:
    documents = _documents()
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    clear = tmp_path / "clear.tar.gz"
    result = subprocess.run(  # noqa: S603 - the installed age, fixed arguments
        [str(AGE), "--decrypt", "--identity", str(key), "--output", str(clear), str(backup)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with tarfile.open(clear, "r:gz") as tar:
        assert {"data.json", "manifest.json"} <= set(tar.getnames())
        for name in documents:
            content = tar.extractfile(f"media/{name}").read()  # type: ignore[union-attr]
            with default_storage.open(name, "rb") as f:
                assert content == f.read()


def test_a_killed_runs_clear_work_directory_is_removed_by_the_next_run(tmp_path: Path) -> None:
    """The clear tar exists only while a run lasts; a killed run's is removed later."""
    import os
    import tempfile
    import time

    from archive.backup import remove_stale_work_dirs

    stale = Path(tempfile.mkdtemp(prefix="halland-backup-"))
    (stale / "data.json").write_text("password hashes")
    fresh = Path(tempfile.mkdtemp(prefix="halland-restore-"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    try:
        removed = remove_stale_work_dirs()
        assert stale in removed
        assert not stale.exists()
        assert fresh.exists()  # a run may still be using it
    finally:
        import shutil

        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(stale, ignore_errors=True)


def test_the_backup_never_writes_its_clear_tar_to_disk(
    demo: None, key: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: the tar (password hashes, TOTP secrets) goes through a pipe into age; no
    temporary directory or file is made for it, so nothing clear can outlive a killed run."""

    def no_temporary_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("the backup made a temporary file or directory")

    for name in ("mkdtemp", "mkstemp", "NamedTemporaryFile", "TemporaryFile"):
        monkeypatch.setattr(tempfile, name, no_temporary_files)
    backup = tmp_path / "backup.age"
    call_command("backup", str(backup), verbosity=0)
    assert backup.read_bytes().startswith(AGE_MAGIC)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.age", "keys"]
