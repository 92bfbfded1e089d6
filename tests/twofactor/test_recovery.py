"""The second step with a recovery code, and the administrator's reset (issue 16)."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.helpers import login, text
from tests.twofactor.test_enrolment import PASSWORD, SETUP, code_for

pytestmark = pytest.mark.django_db
USERS = "/admin/accounts/user/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data (its staff have the demo app)."""


@pytest.fixture
def enrolled(client: Client) -> tuple[User, list[str]]:
    """An official who enrolled in the browser and kept the recovery codes; logged out."""
    user = User.objects.create_user("ny", password=PASSWORD, role=Role.OFFICIAL)
    client.post("/accounts/login/", {"username": "ny", "password": PASSWORD})
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    done = client.post(SETUP, {"otp_token": code_for(device)})
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", text(done))
    assert len(codes) == 10
    client.post("/accounts/logout/")
    return user, codes


def _password(client: Client, username: str = "ny", password: str = PASSWORD) -> None:
    assert client.post("/accounts/login/", {"username": username, "password": password})[
        "Location"
    ].startswith("/")


def test_the_second_step_takes_the_app_code(client: Client, enrolled: tuple[User, list[str]]):
    user, _codes = enrolled
    _password(client)
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accounts/2fa/", {"otp_token": code_for(device, steps_ahead=1)})
    assert response.status_code == 302
    assert client.get("/payments/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 10


def test_a_recovery_code_works_once(client: Client, enrolled: tuple[User, list[str]]) -> None:
    user, codes = enrolled
    _password(client)
    form = text(client.get("/accounts/2fa/"))
    assert 'autocomplete="one-time-code"' in form
    assert 'maxlength="6"' not in form
    assert "reservkod" in form
    # Typed as people type it from paper: upper case, with a space.
    typed = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
    response = client.post("/accounts/2fa/", {"otp_token": typed, "next": "/payments/"})
    assert response.status_code == 302
    assert response["Location"] == "/payments/"
    page = client.get("/payments/")
    assert page.status_code == 200
    assert "du har 9 kvar" in text(page)
    assert "message-warning" not in text(page)
    assert not StaticToken.objects.filter(device__user=user, token=codes[0]).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RECOVERY_CODE_USED)
    assert event.actor == user
    assert event.changes == {"recovery_codes_left": [10, 9]}

    other = Client()
    _password(other)
    again = other.post("/accounts/2fa/", {"otp_token": codes[0]})
    assert again.status_code == 400
    assert "Koden stämmer inte" in text(again)
    assert other.get("/payments/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RECOVERY_CODE_USED).count() == 1


def test_wrong_recovery_codes_are_throttled(client: Client, enrolled: tuple[User, list[str]]):
    user, codes = enrolled
    _password(client)
    assert client.post("/accounts/2fa/", {"otp_token": "aaaaaaaa"}).status_code == 400
    recovery = StaticDevice.objects.get(user=user)
    assert recovery.throttling_failure_count == 1
    # Even the right code waits for the throttle, and is not used up.
    throttled = client.post("/accounts/2fa/", {"otp_token": codes[1]})
    assert throttled.status_code == 400
    assert "Vänta en stund" in text(throttled)
    assert StaticToken.objects.filter(device=recovery, token=codes[1]).exists()


def test_few_codes_left_gives_a_warning(client: Client, enrolled: tuple[User, list[str]]):
    user, codes = enrolled
    StaticToken.objects.filter(device__user=user).exclude(token__in=codes[:3]).delete()
    _password(client)
    client.post("/accounts/2fa/", {"otp_token": codes[0]})
    page = text(client.get("/payments/"))
    assert "message-warning" in page
    assert "du har 2 kvar" in page
    assert "Be systemförvaltaren återställa" in page


def _reset(client: Client, user: User, **data: str):
    return client.post(
        USERS, {"action": "reset_two_factor", ACTION_CHECKBOX_NAME: [str(user.pk)], **data}
    )


def test_an_administrator_resets_with_a_recorded_reason(
    client: Client, enrolled: tuple[User, list[str]]
) -> None:
    user, _codes = enrolled
    login(client, "admin")
    confirm = _reset(client, user)  # the action first asks for the reason
    assert confirm.status_code == 200
    assert 'name="reason"' in text(confirm)
    assert TOTPDevice.objects.filter(user=user).exists()

    empty = _reset(client, user, confirm="yes", reason="   ")
    assert empty.status_code == 200
    assert "Skriv varför" in text(empty)
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RESET).exists()

    done = _reset(client, user, confirm="yes", reason="Tappade telefonen, ringde 2026-12-02.")
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert event.reason == "Tappade telefonen, ringde 2026-12-02."
    assert event.target_id == str(user.pk)
    assert event.target_repr == "ny"
    assert event.actor == User.objects.get(username="admin")
    assert event.changes == {"devices": [["Autentiseringsapp", "Reservkoder"], []]}

    # At the next login the user enrols a new app.
    fresh = Client()
    _password(fresh)
    assert fresh.get("/accounts/2fa/")["Location"].startswith(SETUP)
    assert fresh.get(SETUP).status_code == 200


def test_a_reset_ends_the_second_step_of_open_sessions(
    client: Client, enrolled: tuple[User, list[str]]
) -> None:
    user, codes = enrolled
    _password(client)
    client.post("/accounts/2fa/", {"otp_token": codes[0]})
    assert client.get("/payments/").status_code == 200
    admin = login(Client(), "admin")
    _reset(admin, user, confirm="yes", reason="Misstänkt obehörig inloggning.")
    assert client.get("/payments/").status_code == 302


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare", "matgille"])
def test_nobody_else_can_reset(client: Client, demo: None, username: str) -> None:
    target = User.objects.get(username="admin")
    login(client, username)
    response = _reset(client, target, confirm="yes", reason="Försök")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RESET).exists()


def test_admin_staff_without_superuser_rights_do_not_get_the_action(
    client: Client, demo: None
) -> None:
    from django.contrib.auth.models import Permission

    clerk = User.objects.create_user("it-support", password=PASSWORD, is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__endswith="_user"))
    login(client, "it-support")
    changelist = text(client.get(USERS))
    assert "reset_two_factor" not in changelist
    target = User.objects.get(username="handlaggare")
    _reset(client, target, confirm="yes", reason="Försök")
    assert TOTPDevice.objects.filter(user=target).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RESET).exists()


def test_the_service_refuses_anyone_but_an_administrator(demo: None) -> None:
    from django.core.exceptions import PermissionDenied

    from twofactor.services import reset_two_factor

    target = User.objects.get(username="sekreterare")
    with pytest.raises(PermissionDenied):
        reset_two_factor(user=target, reason="x", by=User.objects.get(username="handlaggare"))
    assert TOTPDevice.objects.filter(user=target).exists()
