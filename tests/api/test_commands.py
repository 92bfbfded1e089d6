"""`manage.py api_token`: create prints the token once and it works; revoke and list."""

from datetime import date, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from api.management.commands.api_token import end_of_day
from api.models import ApiToken
from audit.models import AuditEvent
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_a_working_token_once(demo: None) -> None:
    output = run("create", "--user", "coompanion", "--name", "Intranät", "--expires", "2099-12-31")
    plaintext = output.strip().splitlines()[-1]
    assert plaintext.startswith("gf_")
    token = ApiToken.objects.get()
    assert token.name == "Intranät"
    assert timezone.localtime(token.expires_at).date() == date(2100, 1, 1)
    assert ApiClient(plaintext).get("/api/v1/").json()["username"] == "coompanion"
    assert plaintext not in run("list")


def test_expires_is_the_last_day_it_works() -> None:
    end = timezone.localtime(end_of_day(date(2025, 12, 31)))
    assert (end.date(), end.time()) == (date(2026, 1, 1), time(0, 0))


def test_create_refuses_unknown_users_and_admins(demo: None) -> None:
    with pytest.raises(CommandError, match="No user"):
        run("create", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError):
        run("create", "--user", "admin", "--name", "x")
    assert not ApiToken.objects.exists()


def test_revoke_by_prefix(demo: None) -> None:
    plaintext = run("create", "--user", "handlaggare", "--name", "BI").strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert f"Revoked {token.prefix}" in run("revoke", "--prefix", token.prefix)
    assert ApiClient(plaintext).get("/api/v1/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1
    with pytest.raises(CommandError, match="No usable token"):
        run("revoke", "--prefix", token.prefix)


def test_list_shows_state_without_secrets(demo: None) -> None:
    run("create", "--user", "handlaggare", "--name", "BI")
    token = ApiToken.objects.get()
    listing = run("list")
    assert token.prefix in listing
    assert "active" in listing
    assert token.digest not in listing
