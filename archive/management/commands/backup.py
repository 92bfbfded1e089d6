from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write the records and every stored document to one file, encrypted with age to the "
        "public keys in BACKUP_RECIPIENTS (see archive/backup.py). Refuses to run without one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write, e.g. backup-2026-11-28.age")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            documents = backup(options["file"], recipients=settings.BACKUP_RECIPIENTS)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {options['file']} ({documents} documents), encrypted to "
                f"{len(settings.BACKUP_RECIPIENTS)} recipient(s)."
            )
        )
