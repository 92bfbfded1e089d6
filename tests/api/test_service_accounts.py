"""Tokens for a system, not a person (issue 15): a service account reads what the region's
staff read, through the API only; it cannot log in to the site, whatever password it is given."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from accounts.models import Role, User
from api import services
from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_a_service_token_reads_what_staff_read(demo: None) -> None:
    out = io.StringIO()
    call_command(
        "api_token", "create", "--service", "Ekonomisystemet", "--name", "sync", stdout=out
    )
    plaintext = out.getvalue().strip().splitlines()[-1]
    account = User.objects.get(username="system-ekonomisystemet")
    assert account.role == Role.SERVICE
    assert not account.has_usable_password()
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_ACCOUNT_CREATED).exists()
    api = ApiClient(plaintext)
    assert len(api.get("/api/v1/agreements").json()["items"]) == 6
    assert api.get("/api/v1/budget-years/2024").status_code == 200
    assert api.get("/api/v1/").json()["role"] == "service"
    # A second token for the same system: the same account.
    call_command("api_token", "create", "--service", "ekonomisystemet", "--name", "b", stdout=out)
    assert User.objects.filter(role=Role.SERVICE).count() == 1


def test_a_service_account_never_logs_in_to_the_site(demo: None) -> None:
    account = services.service_account(name="diariet", by=None)
    account.set_password("correct-horse-battery")  # even if someone gave it one
    account.save()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": account.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    client.force_login(account, backend="accounts.backends.UserBackend")
    assert client.get("/").status_code == 302  # the session's user is refused: back to login


def test_a_name_that_is_taken_by_a_person_is_refused(demo: None) -> None:
    User.objects.create_user(username="system-x", password="x", role=Role.OFFICIAL)
    with pytest.raises(ValidationError, match="inte ett systemkonto"):
        services.service_account(name="x", by=None)
