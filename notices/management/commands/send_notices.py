from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notices.sending import send_due_notices


class Command(BaseCommand):
    help = (
        "Send every queued notice whose time has come (those the mail server did not take "
        "earlier). Each is sent at most once, whoever else is sending."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_due_notices(limit=options["limit"])
        self.stdout.write(f"Sent {result.sent} notices; {result.not_sent} not sent.")
