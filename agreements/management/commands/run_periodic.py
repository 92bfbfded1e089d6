"""The periodic work, for a platform without cron or systemd timers: run it as one more process
beside the task worker. With timers (deploy/), each job is its own unit instead."""

import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from agreements.reminders import queue_reminders
from notices.sending import send_due_notices


class Command(BaseCommand):
    help = (
        "Every --interval seconds: queue due reminders and send queued notices whose time has come."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=int, default=300)
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not self.stopping:
            close_old_connections()
            reminders = queue_reminders(today=timezone.localdate())
            sent = send_due_notices()
            self.stdout.write(
                f"{timezone.now():%Y-%m-%d %H:%M:%S} reminders queued: {reminders.total}; "
                f"notices sent: {sent.sent}, not sent: {sent.not_sent}"
            )
            if options["once"]:
                return
            deadline = time.monotonic() + options["interval"]
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(1)
