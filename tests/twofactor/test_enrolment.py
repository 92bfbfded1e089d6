"""Enrolling an authenticator app in the browser, and the recovery codes (issue 16)."""

import base64
import re
import time
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.models import AuditEvent
from tests.helpers import text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db
PASSWORD = "ett-langt-losenord-1"
SETUP = "/accounts/2fa/setup/"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data (its staff have the demo app)."""


@pytest.fixture
def newcomer(client: Client) -> User:
    """A new official, invited: a password, no device; logged in with the password only."""
    user = User.objects.create_user("ny", password=PASSWORD, role=Role.OFFICIAL)
    response = client.post("/accounts/login/", {"username": "ny", "password": PASSWORD})
    assert response.status_code == 302
    return user


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's app shows now (or `steps_ahead` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _enrol(client: Client, user: User) -> "_MonkeyPatchedWSGIResponse":
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(SETUP, {"otp_token": code_for(device), "next": "/budget/"})


def test_a_new_official_enrols_and_gets_recovery_codes(client: Client, newcomer: User) -> None:
    # Every page asks for the second step; the second step sends a user without a device on
    # to enrolment, keeping where they were going.
    assert client.get("/budget/")["Location"] == "/accounts/2fa/?next=%2Fbudget%2F"
    to_setup = client.get("/accounts/2fa/?next=/budget/")
    assert to_setup.status_code == 302
    assert to_setup["Location"] == "/accounts/2fa/setup/?next=%2Fbudget%2F"

    page = client.get(to_setup["Location"])
    assert page.status_code == 200
    body = text(page)
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(re.findall("....", secret)) in body  # grouped by four for typing
    assert 'src="data:image/svg+xml;base64,' in body
    assert 'autocomplete="one-time-code"' in body
    assert client.get(SETUP).status_code == 200  # a reload shows the same device
    assert TOTPDevice.objects.filter(user=newcomer).count() == 1

    done = client.post(SETUP, {"otp_token": code_for(device), "next": "/budget/"})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    tokens = set(StaticToken.objects.filter(device__user=newcomer).values_list("token", flat=True))
    assert len(tokens) == 10
    shown = set(re.findall(r"<code>([a-z2-7]{8})</code>", text(done)))
    assert shown == tokens
    assert "visas bara den här gången" in text(done)
    assert 'href="/budget/"' in text(done)
    # The second step is done: the pages open.
    assert client.get("/budget/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_ENROLLED)
    assert event.actor == newcomer
    assert event.target_id == str(newcomer.pk)
    # Enrolment is closed now: the codes are never shown again.
    again = client.get(SETUP)
    assert again.status_code == 302
    assert not re.findall(r"<code>([a-z2-7]{8})</code>", text(client.get(SETUP, follow=True)))


def test_the_qr_code_is_drawn_here_and_carries_the_issuer(
    client: Client, newcomer: User, settings: object
) -> None:
    body = text(client.get(SETUP))
    urls = re.findall(r"""(?:src|href|action)="([^"]*)\"""", body)
    assert all(not url.startswith(("http:", "https:", "//")) for url in urls), urls
    assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")
    image = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', body)
    assert image is not None
    svg = base64.b64decode(image.group(1)).decode()
    assert svg.startswith("<svg")
    assert "href" not in svg
    assert "style" not in svg  # the CSP allows no inline styles
    assert re.sub(r"xmlns=\"http://www.w3.org/2000/svg\"", "", svg).count("http") == 0
    assert "Region Halland grundfinansiering: ny" in body
    device = TOTPDevice.objects.get(user=newcomer)
    assert device.config_url.startswith("otpauth://totp/Region%20Halland%20grundfinansiering")


def test_a_wrong_code_is_refused_next_to_the_field(client: Client, newcomer: User) -> None:
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=newcomer)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(SETUP, {"otp_token": wrong})
    assert response.status_code == 400
    body = text(response)
    assert "govuk-error-summary error-summary" in body
    assert 'href="#id_otp_token"' in body
    assert "Koden stämmer inte" in body
    assert 'aria-invalid="true"' in body
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # counted, though the step failed
    assert not StaticDevice.objects.filter(user=newcomer).exists()
    assert client.get("/budget/").status_code == 302
    # Right away again: refused by the throttle, with what to do.
    throttled = client.post(SETUP, {"otp_token": code_for(device)})
    assert throttled.status_code == 400
    assert "Vänta en stund" in text(throttled)
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENROLLED).exists()


def test_an_empty_code_is_refused(client: Client, newcomer: User) -> None:
    response = client.post(SETUP, {"otp_token": "  "})
    assert response.status_code == 400
    assert "Skriv koden" in text(response)


def test_a_user_with_a_device_cannot_enrol_before_the_second_step(client: Client) -> None:
    """Someone holding only the password must not add their own app."""
    client.post("/accounts/login/", {"username": "handlaggare", "password": "halland-demo"})
    demo_device = TOTPDevice.objects.get(user__username="handlaggare")
    for method in (client.get, client.post):
        response = method(SETUP, {"otp_token": "123456"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/?next=")
    assert list(TOTPDevice.objects.filter(user__username="handlaggare")) == [demo_device]
    assert not StaticDevice.objects.filter(user__username="handlaggare").exists()
    # The second step does not offer enrolment either.
    assert "/accounts/2fa/setup/" not in text(client.get("/accounts/2fa/"))


def test_a_user_with_only_recovery_codes_cannot_enrol_either(
    client: Client, newcomer: User
) -> None:
    _enrol(client, newcomer)
    TOTPDevice.objects.filter(user=newcomer).delete()  # lost behind the services' back
    other = Client()
    other.post("/accounts/login/", {"username": "ny", "password": PASSWORD})
    assert other.get(SETUP).status_code == 302
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert other.get("/accounts/2fa/").status_code == 200  # asks for a recovery code


def test_a_verified_user_cannot_replace_the_app_through_enrolment(client: Client) -> None:
    from tests.helpers import login

    login(client, "sekreterare")
    before = list(TOTPDevice.objects.filter(user__username="sekreterare"))
    response = client.post(SETUP, {"otp_token": "123456", "next": "/decisions/"})
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"] == "/decisions/"
    assert list(TOTPDevice.objects.filter(user__username="sekreterare")) == before


def test_partner_users_are_not_asked_to_enrol(client: Client, demo: None) -> None:
    client.post("/accounts/login/", {"username": "matgille", "password": "halland-demo"})
    assert client.get(SETUP)["Location"].startswith("/accounts/2fa/")
    assert client.get(SETUP, follow=True).status_code == 200
    assert not TOTPDevice.objects.filter(user__username="matgille").exists()


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    assert client.get(SETUP)["Location"].startswith("/accounts/login/")
    assert not TOTPDevice.objects.filter(confirmed=False).exists()
