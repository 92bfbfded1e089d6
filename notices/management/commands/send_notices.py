from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.tasks import heartbeat
from notices.sending import send_due_notices


class Command(BaseCommand):
    help = (
        "Send every queued notice whose time has come (those the mail server did not take "
        "earlier). Each is sent at most once, whoever else is sending. Also queues the task "
        "worker's heartbeat, so /readyz sees the worker where systemd timers run this command "
        "instead of run_periodic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        # halland-notices.timer runs this every five minutes: the heartbeat's clock where no
        # run_periodic runs (core.readiness; WORKER_HEARTBEAT_MAX_AGE is 15 minutes).
        heartbeat.enqueue()
        result = send_due_notices(limit=options["limit"])
        self.stdout.write(f"Sent {result.sent} notices; {result.not_sent} not sent.")
