"""Housekeeping: queue again the archive bundles whose worker died mid-build.

Run it every few minutes (cron, a systemd timer) and once after a deploy; see docs/deploy.md.
It leaves alone every build that reported progress within `--stalled-after`.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from archive.services import STALLED_AFTER, recover_stalled_bundles


class Command(BaseCommand):
    help = "Queue again archive bundles whose build made no progress for a while (dead worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stalled-after",
            type=float,
            default=STALLED_AFTER.total_seconds(),
            metavar="SECONDS",
            help="How long a build may go without progress before it counts as stopped "
            "(default: %(default)s).",
        )

    def handle(self, *args: Any, stalled_after: float, **options: Any) -> None:
        bundles = recover_stalled_bundles(stalled_after=timedelta(seconds=stalled_after))
        for bundle in bundles:
            self.stdout.write(f"Queued again: archive bundle {bundle.pk} ({bundle.budget_year}).")
        self.stdout.write(f"{len(bundles)} stalled archive bundle(s) queued again.")
