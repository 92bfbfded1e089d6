"""The periodic work, for a platform without cron or systemd timers: run it as one more process
beside the task worker. With timers (deploy/), each job is its own unit instead."""

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from agreements.reminders import queue_reminders
from core.tasks import heartbeat
from notices.sending import send_due_notices

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Every --interval seconds: queue due reminders, send queued notices whose time has "
        "come, and queue the task worker's heartbeat."
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
            # Taken by the task worker; /readyz reports how long ago (core.readiness).
            heartbeat.enqueue()
            reminders = queue_reminders(today=timezone.localdate())
            sent = send_due_notices()
            # A log line (JSON in production, like every other), not a line of its own shape.
            logger.info(
                "reminders queued: %d; notices sent: %d, not sent: %d",
                reminders.total,
                sent.sent,
                sent.not_sent,
            )
            if options["once"]:
                return
            deadline = time.monotonic() + options["interval"]
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(1)
