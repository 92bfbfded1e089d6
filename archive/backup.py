"""Backup and restore of the database records and the stored documents, as one encrypted file.

Inside, a backup is a gzipped tar with `data.json` (the records, via dumpdata with natural
foreign keys, so content types and permissions are matched by name), `manifest.json` (every
stored document with its SHA-256) and `media/<name>` for each document. `data.json` holds
password hashes and TOTP secrets, so the tar is never written anywhere in clear: it is made in
a stream (a pipe from a thread that writes the tar to age, which encrypts as it reads) to the
X25519 public keys in `BACKUP_RECIPIENTS`. The file is standard age, so IT can also read it
with the `age` command (`age -d -i key.txt backup.age`).

Encrypting needs only public keys, so the app servers that write backups cannot read them;
restoring needs one of the private identities (`BACKUP_IDENTITY_FILE` or `restore --identity`).
Writing streams (memory holds the records' JSON and one chunk of a document at a time);
restoring decrypts to a private temporary directory first (below), which a killed run's
successor removes.

Restoring refuses a database that already has users, decrypts the whole file before reading
any of it (age authenticates every chunk, so a changed or cut file fails here, before anything
is written), checks every document against the manifest before writing it, loads the records,
and checks the documents again from storage.
"""

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import pyrage
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone
from pyrage import x25519

from accounts.models import User

# otp_totp and otp_static: the staff's authenticator apps and recovery codes (twofactor).
APPS = (
    "accounts",
    "audit",
    "partners",
    "funding",
    "agreements",
    "archive",
    "api",
    "otp_totp",
    "otp_static",
)

# Every binary age file starts with this line (age-encryption.org/v1, "Header").
AGE_MAGIC = b"age-encryption.org/v1\n"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class Restored:
    records: int
    documents: int


def parse_recipients(keys: Iterable[str]) -> list[x25519.Recipient]:
    """The age X25519 public keys (`age1…`) to encrypt to; at least one, or BackupError.

    There is deliberately no way to write a backup without a recipient: a clear-text backup
    would carry every password hash and TOTP secret.
    """
    recipients: list[x25519.Recipient] = []
    for number, key in enumerate((k.strip() for k in keys), start=1):
        if not key:
            continue
        # Errors name the entry, not its text: a mistaken entry may be a private key.
        if key.upper().startswith("AGE-SECRET-KEY-"):
            raise BackupError(
                f"BACKUP_RECIPIENTS, entry {number}, is a private key (AGE-SECRET-KEY-…): put "
                "only public keys (age1…) here and keep the private key off this machine."
            )
        try:
            recipients.append(x25519.Recipient.from_str(key))
        except pyrage.RecipientError as exc:
            raise BackupError(
                f"BACKUP_RECIPIENTS, entry {number}, is not an age X25519 public key (age1…): {exc}"
            ) from exc
    if not recipients:
        raise BackupError(
            "No backup recipient: set BACKUP_RECIPIENTS to one or more age public keys "
            "(age1…, comma-separated; `manage.py create_backup_key` makes a key pair). "
            "Backups are never written unencrypted."
        )
    return recipients


def read_identities(path: Path) -> list[x25519.Identity]:
    """The private keys in an age identity file: `AGE-SECRET-KEY-1…` lines, `#` comments.

    Errors name the line, never its content: the content is a secret key.
    """
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except FileNotFoundError as exc:
        raise BackupError(f"Identity file {path} does not exist.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BackupError(f"Identity file {path} cannot be read: {exc}") from exc
    identities: list[x25519.Identity] = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError as exc:
            raise BackupError(
                f"Identity file {path}, line {number}: not an age X25519 identity "
                "(AGE-SECRET-KEY-1…)."
            ) from exc
    if not identities:
        raise BackupError(f"Identity file {path} holds no identity (AGE-SECRET-KEY-1… line).")
    return identities


def create_identity_file(path: Path) -> x25519.Recipient:
    """Generate an X25519 identity, write it to `path` (mode 0600); return its public key.

    The file has the layout of `age-keygen`, so `age -d -i FILE` reads it too. An existing
    file is never overwritten (FileExistsError): it may be the only key to older backups.
    """
    identity = x25519.Identity.generate()
    public = identity.to_public()
    created = timezone.now().replace(microsecond=0).isoformat()
    text = f"# created: {created}\n# public key: {public}\n{identity}\n"
    # O_EXCL: refuse an existing file (and a symlink planted in its place) atomically;
    # 0600 from creation, so the key is never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        os.fchmod(f.fileno(), 0o600)  # whatever the umask made of it
        f.write(text)
    return public


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


def _records() -> bytes:
    """Every record as dumpdata's JSON, in memory (read in the caller's thread and connection)."""
    out = io.StringIO()
    call_command("dumpdata", *APPS, natural_foreign=True, stdout=out, verbosity=0)
    return out.getvalue().encode()


def _write_tar(out: BinaryIO, *, records: bytes, manifest: list[dict[str, str | int]]) -> None:
    """The tar, gzipped, written as a stream (no seeking): records, manifest, documents."""
    with tarfile.open(fileobj=out, mode="w|gz") as tar:
        for name, blob in (
            ("data.json", records),
            ("manifest.json", json.dumps(manifest, indent=2).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
        for entry in manifest:
            info = tarfile.TarInfo(f"media/{entry['name']}")
            info.size = int(entry["size"])
            with default_storage.open(str(entry["name"]), "rb") as f:
                tar.addfile(info, f)


WORK_DIR_PREFIXES = ("halland-backup-", "halland-restore-")
# A run that was killed (SIGKILL, out of memory, a lost machine) cannot remove its clear work
# directory; the next run does, once no run can still be using it.
STALE_WORK_DIR = timedelta(days=1)


def remove_stale_work_dirs(*, older_than: timedelta = STALE_WORK_DIR) -> list[Path]:
    """Remove clear work directories left by killed backup or restore runs."""
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for path in Path(tempfile.gettempdir()).iterdir():
        if not path.name.startswith(WORK_DIR_PREFIXES) or not path.is_dir():
            continue
        if path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def backup(target: Path, *, recipients: Sequence[str]) -> int:
    """Write the encrypted backup to `target`; return how many documents it holds."""
    keys = parse_recipients(recipients)  # before any work: no key, no file
    remove_stale_work_dirs()
    # The database is read here, in this thread's connection; the thread only reads documents.
    records = _records()
    manifest: list[dict[str, str | int]] = [
        {"name": n, "sha256": _sha256(n), "size": default_storage.size(n)} for n in _stored_names()
    ]
    # Encrypt beside the target and rename at the end, so a failed run never leaves a cut file
    # under the name of a backup. The clear tar exists only in the pipe between the two.
    partial = target.with_name(f".{target.name}.partial")
    read_end, write_end = os.pipe()
    failed: list[BaseException] = []

    def write() -> None:
        try:
            with os.fdopen(write_end, "wb") as pipe:
                _write_tar(pipe, records=records, manifest=manifest)
        except BaseException as exc:
            failed.append(exc)

    writer = threading.Thread(target=write, name="backup-tar")
    writer.start()
    try:
        with os.fdopen(read_end, "rb") as pipe, partial.open("wb") as out:
            pyrage.encrypt_io(pipe, out, keys)
        writer.join()
        if failed:
            raise BackupError(f"The backup could not be written: {failed[0]}") from failed[0]
        partial.replace(target)
    finally:
        writer.join()
        partial.unlink(missing_ok=True)
    return len(manifest)


def _decrypt(source: Path, target: Path, *, identities: Sequence[x25519.Identity]) -> None:
    with source.open("rb") as src:
        if src.read(len(AGE_MAGIC)) != AGE_MAGIC:
            raise BackupError(
                f"{source} is not an age-encrypted backup (a file made by `manage.py backup` "
                "starts with 'age-encryption.org/v1')."
            )
        src.seek(0)
        try:
            with target.open("wb") as out:
                pyrage.decrypt_io(src, out, identities)
        except pyrage.DecryptError as exc:
            # One exception class for every failure; the message tells "no key fits" (the usual
            # cause: the wrong identity) apart from a broken header.
            if "no matching keys" in str(exc).lower():
                raise BackupError(
                    f"{source} was not encrypted to this identity: none of its keys opens it "
                    "(or the file's recipient lines are damaged). Use the identity whose public "
                    "key was in BACKUP_RECIPIENTS when the backup was made."
                ) from exc
            raise BackupError(f"{source} is corrupted: its age header is damaged ({exc}).") from exc
        except OSError as exc:
            # pyrage reports a failed chunk (changed or cut after the header) as an I/O error.
            raise BackupError(
                f"{source} is corrupted or incomplete: decryption failed ({exc})."
            ) from exc


def _safe(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupError(f"unsafe path in backup: {name!r}")
    return str(path)


def restore(source: Path, *, identities: Sequence[x25519.Identity]) -> Restored:
    """Decrypt a backup and restore it into an empty database and storage."""
    if User.objects.exists():
        raise BackupError("The database is not empty: restore only into a new database.")
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    remove_stale_work_dirs()
    # The decrypted tar is as secret as the database: a private directory, removed afterwards.
    with tempfile.TemporaryDirectory(prefix="halland-restore-") as tmp:
        clear = Path(tmp) / "backup.tar.gz"
        _decrypt(source, clear, identities=identities)
        if not tarfile.is_tarfile(clear):
            # Authentic age, but no tar inside: someone encrypted another file.
            raise BackupError(f"{source} is not a backup made by `manage.py backup`.")
        with tarfile.open(clear) as tar:
            return _restore_tar(tar, workdir=Path(tmp))


def _restore_tar(tar: tarfile.TarFile, *, workdir: Path) -> Restored:
    try:
        manifest_file = tar.extractfile("manifest.json")
        data_file = tar.extractfile("data.json")
    except KeyError:
        manifest_file = data_file = None
    if manifest_file is None or data_file is None:
        raise BackupError("Not a backup made by `manage.py backup`.")
    manifest = json.loads(manifest_file.read())

    def content_of(entry: dict[str, str]) -> bytes:
        try:
            member = tar.extractfile(f"media/{_safe(entry['name'])}")
        except KeyError:
            member = None
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
    data = workdir / "data.json"
    with data.open("wb") as out:
        shutil.copyfileobj(data_file, out)
    records = len(json.loads(data.read_text()))
    with transaction.atomic():
        call_command("loaddata", str(data), verbosity=0)
    for entry in manifest:
        if _sha256(entry["name"]) != entry["sha256"]:
            raise BackupError(f"{entry['name']} changed while restoring")
    return Restored(records=records, documents=len(manifest))
