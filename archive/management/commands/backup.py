from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from archive.backup import backup


class Command(BaseCommand):
    help = "Write the records and every stored document to one .tar.gz (see archive/backup.py)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="where to write, e.g. backup-2026-11-28.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        documents = backup(options["file"])
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['file']} ({documents} documents)."))
