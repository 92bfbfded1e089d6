from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo data and accounts of design §7 (idempotent; only with DEBUG on)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: the demo accounts share a published "
                "password and must never reach a production database."
            )
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded (password: halland-demo)."))
