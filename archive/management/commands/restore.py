from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.backup import BackupError, read_identities, restore


class Command(BaseCommand):
    help = (
        "Decrypt a backup made by `backup` and restore it into an empty (freshly migrated) "
        "database. Needs an age identity: --identity FILE or BACKUP_IDENTITY_FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--identity",
            type=Path,
            help="age identity file (AGE-SECRET-KEY-1… lines); default: BACKUP_IDENTITY_FILE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity_file = options["identity"] or settings.BACKUP_IDENTITY_FILE
        if not identity_file:
            raise CommandError(
                "No identity to decrypt the backup with: pass --identity FILE or set "
                "BACKUP_IDENTITY_FILE to the age identity file whose public key is in "
                "BACKUP_RECIPIENTS."
            )
        try:
            result = restore(options["file"], identities=read_identities(Path(identity_file)))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Restored {result.documents} documents; every hash checked.")
        )
