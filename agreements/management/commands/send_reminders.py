from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from agreements.reminders import queue_reminders
from notices.models import NoticeKind


class Command(BaseCommand):
    help = (
        "Queue reminders of reports due in 30 and 7 days and of overdue reports. Idempotent: "
        "run it daily (or more often); nothing is sent twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = queue_reminders(today=timezone.localdate())
        parts = [f"{NoticeKind(kind).label}: {count}" for kind, count in result.queued.items()]
        self.stdout.write(
            f"Queued {result.total} reminders" + (f" ({'; '.join(parts)})." if parts else ".")
        )
