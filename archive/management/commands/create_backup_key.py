from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.backup import create_identity_file


class Command(BaseCommand):
    help = (
        "Generate an age X25519 key pair for backups: writes the private identity to FILE "
        "(mode 0600, never overwritten) and prints the public key for BACKUP_RECIPIENTS."
    )
    # Made on the machine that keeps the private key, which need not reach the database:
    # the system checks would query it, and this command never does.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write the identity, e.g. key.txt")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            public = create_identity_file(path)
        except FileExistsError as exc:
            # It may be the only key to older backups: replacing it would lose them.
            raise CommandError(f"{path} already exists; refusing to overwrite a key.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote the private identity to {path} (mode 0600)."))
        self.stdout.write(f"Public key: {public}")
        self.stdout.write("In the environment of the machines that run `backup`:")
        self.stdout.write(f"  BACKUP_RECIPIENTS={public}")
        self.stdout.write("  (several keys comma-separated, e.g. IT's and the archive's)")
        self.stdout.write("On the machine that restores, and nowhere else:")
        self.stdout.write(f"  BACKUP_IDENTITY_FILE={path.resolve()}")
        self.stdout.write(
            "Keep a copy of the identity file offline (the secret store or a safe): without it "
            "no backup encrypted to this key can be read."
        )
