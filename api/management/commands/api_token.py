"""API tokens from the command line, for IT: create (the token is printed once), revoke, list."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from api import services
from api.models import ApiToken


def end_of_day(day: date) -> datetime:
    """`--expires 2025-12-31`: usable through that day, local time; refused from midnight."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class Command(BaseCommand):
    help = "Create, revoke or list API tokens (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token and print it once")
        holder = create.add_mutually_exclusive_group(required=True)
        holder.add_argument("--user", help="username of the token's holder (a person)")
        holder.add_argument(
            "--service",
            help="a system's name, e.g. ekonomisystemet: a token not tied to a person, held by "
            "the service account system-<name> (made the first time)",
        )
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument(
            "--expires",
            type=date.fromisoformat,
            help="YYYY-MM-DD: the last day the token works (local time); default never",
        )
        revoke = sub.add_parser("revoke", help="stop a token from working")
        revoke.add_argument("--prefix", required=True, help="the token's start, as listed")
        sub.add_parser("list", help="every token, newest first (never the secret)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "revoke":
            self._revoke(options["prefix"])
        else:
            self._list()

    def _create(self, options: dict[str, Any]) -> None:
        try:
            if options["service"]:
                user = services.service_account(name=options["service"], by=None)
            else:
                found = User.objects.filter(username=options["user"]).first()
                if found is None:
                    raise CommandError(f"No user {options['user']!r}.")
                user = found
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        expires = options["expires"]
        try:
            token, plaintext = services.create_token(
                user=user,
                name=options["name"],
                expires_at=end_of_day(expires) if expires else None,
                by=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Token {token.prefix}… for {user.username} ({token.name}).")
        self.stdout.write("Copy it now; it is not stored and cannot be shown again:")
        self.stdout.write(plaintext)

    def _revoke(self, prefix: str) -> None:
        matches = list(ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True)[:2])
        if not matches:
            raise CommandError(f"No usable token starts with {prefix!r}.")
        if len(matches) > 1:
            raise CommandError(f"More than one token starts with {prefix!r}; revoke in the admin.")
        try:
            services.revoke_token(token=matches[0], by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Revoked {matches[0].prefix}… ({matches[0].name}).")

    def _list(self) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
        self.stdout.write("prefix    user                 state     last used         name")
        for t in tokens:
            state = "revoked" if t.revoked_at else "expired" if t.is_expired() else "active"
            used = (
                timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M")
                if t.last_used_at
                else "never"
            )
            self.stdout.write(f"{t.prefix:<9} {t.user.username:<20} {state:<9} {used:<17} {t.name}")
