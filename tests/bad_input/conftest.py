"""The demo data, loaded once for the whole catalogue, and every test rolled back to it.

The root `demo` fixture loads the demo dump inside each test's transaction (about half a second
a test); with several hundred cases that alone would take minutes. Here the dump is loaded once
inside a transaction that spans the package (pytest-django's TestCase wraps each test in a
savepoint of it), and that transaction is rolled back when the package is done, so the tests
after it find the database as empty as before. Each demo user is logged in once the same way
(a session to reuse, `common.enter`), and API tokens are made once (`common.TOKENS`).
"""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from tests.bad_input.common import SESSIONS, TOKENS


@pytest.fixture(scope="package")
def _demo_once(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    dump = tmp_path_factory.getbasetemp() / "demo-dump.json"
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            if dump.exists():  # another module of the session loaded it first
                call_command("loaddata", str(dump), verbosity=0)
            else:
                with override_settings(DEBUG=True):  # load_demo refuses otherwise
                    call_command("load_demo", verbosity=0)
            _log_everyone_in()
            _make_tokens()
            yield
        finally:
            SESSIONS.clear()
            TOKENS.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _log_everyone_in() -> None:
    """One session per demo user (staff past the second step), shared by the package's tests.

    Logging in writes the session and the user's last login; done here once, it is part of
    the package's data, and a case's snapshot does not see it.
    """
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from accounts.two_factor import needs_two_factor
    from tests.helpers import login

    for user in User.objects.all():
        client = login(Client(), user.username)
        SESSIONS[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        if needs_two_factor(user):  # and one that has given the password only
            client = Client()
            client.force_login(user)
            key = client.cookies[settings.SESSION_COOKIE_NAME].value
            SESSIONS[f"{user.username}:password-only"] = key


def _make_tokens() -> None:
    """An API token for an official and for a partner user (api.services, as IT makes them)."""
    from accounts.models import User
    from api.services import create_token

    for username in ("handlaggare", "coompanion"):
        user = User.objects.get(username=username)
        TOKENS[username] = create_token(user=user, name="bad input", by=None)[1]


@pytest.fixture
def demo(_demo_once: None, db: None) -> None:
    """The demo data of design §7 (overrides the root fixture of the same name)."""


@pytest.fixture(autouse=True)
def _on_demo(demo: None) -> None:
    """Every test here runs on the demo data."""
