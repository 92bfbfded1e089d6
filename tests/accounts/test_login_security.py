"""Login throttling, two-factor login for staff, sessions (issue 6, ASVS V6 and V7)."""

import base64
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from agreements.models import Agreement
from funding.models import BudgetYear
from tests.helpers import text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db
DEMO_KEY = base64.b32decode("HALLANDDEMOTOTP2")


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def _password(
    client: Client,
    username: str,
    password: str = "halland-demo",  # noqa: S107
) -> "_MonkeyPatchedWSGIResponse":
    return client.post("/accounts/login/", {"username": username, "password": password})


def _code(offset: int = 0) -> str:
    return f"{totp(DEMO_KEY, t0=0, step=30, digits=6, drift=offset):06d}"


def test_demo_staff_have_the_published_totp_secret() -> None:
    for username in ("admin", "handlaggare", "sekreterare"):
        device = TOTPDevice.objects.get(user__username=username)
        assert bytes.fromhex(device.key) == DEMO_KEY
        assert device.confirmed


def test_official_needs_the_code_after_the_password(client: Client) -> None:
    response = _password(client, "handlaggare")
    assert response.status_code == 302
    # Every page sends them to the second step until they have given the code.
    page = client.get("/budget/2024/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/2fa/?next=%2Fbudget%2F2024%2F"
    assert client.get("/agreements/GF-2024-COOMPANION/pdf/").status_code == 302
    form = client.get("/accounts/2fa/?next=/budget/2024/")
    assert 'autocomplete="one-time-code"' in text(form)

    wrong = client.post("/accounts/2fa/", {"otp_token": "000000", "next": "/budget/2024/"})
    assert wrong.status_code == 400
    assert client.get("/budget/2024/").status_code == 302

    TOTPDevice.objects.filter(user__username="handlaggare").update(throttling_failure_count=0)
    right = client.post("/accounts/2fa/", {"otp_token": _code(), "next": "/budget/2024/"})
    assert right.status_code == 302
    assert right["Location"] == "/budget/2024/"
    assert client.get("/budget/2024/").status_code == 200


def test_next_may_not_leave_the_site(client: Client) -> None:
    _password(client, "sekreterare")
    response = client.post(
        "/accounts/2fa/", {"otp_token": _code(), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_partner_users_log_in_with_password_only(client: Client) -> None:
    _password(client, "matgille")
    assert client.get("/agreements/GF-2024-MATGILLE/").status_code == 200


def test_staff_without_a_device_are_sent_to_enrol_an_app(client: Client) -> None:
    User.objects.create_user("ny", password="ett-langt-losenord-1", role="official")
    _password(client, "ny", "ett-langt-losenord-1")
    assert client.get("/budget/").status_code == 302
    second_step = client.get("/accounts/2fa/")
    assert second_step["Location"] == "/accounts/2fa/setup/?next=%2F"
    assert "Aktivera tvåstegsinloggning" in text(client.get(second_step["Location"]))


def test_admin_site_needs_the_second_step_too(client: Client) -> None:
    _password(client, "admin")
    assert client.get("/admin/").status_code == 302
    client.post("/accounts/2fa/", {"otp_token": _code(), "next": "/admin/"})
    assert client.get("/admin/").status_code == 200


def test_failed_logins_lock_out_with_a_cool_off(client: Client) -> None:
    for _ in range(4):
        response = _password(client, "handlaggare", "fel-losenord")
        assert response.status_code == 200
        assert 'role="alert"' in text(response)
    assert _password(client, "handlaggare", "fel-losenord").status_code == 429  # the fifth
    locked = _password(client, "handlaggare")  # even the right password now
    assert locked.status_code == 429
    assert "För många misslyckade inloggningar" in text(locked)
    # Another user from the same address is not affected (username + address are locked).
    other = Client()
    assert _password(other, "sekreterare").status_code == 302
    # After the cool-off (15 minutes) the right password works again.
    from axes.models import AccessAttempt
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _password(client, "handlaggare").status_code == 302


def test_success_resets_the_failure_count(client: Client) -> None:
    for _ in range(4):
        _password(client, "matgille", "fel")
    assert _password(client, "matgille").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _password(client, "matgille", "fel")
    assert _password(client, "matgille").status_code == 302


def test_changing_the_password_ends_other_sessions(client: Client) -> None:
    other_device = Client()
    _password(other_device, "matgille")
    assert other_device.get("/agreements/").status_code == 200
    _password(client, "matgille")
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "halland-demo",
            "new_password1": "ett-nytt-langt-losenord-2026",
            "new_password2": "ett-nytt-langt-losenord-2026",
        },
    )
    assert response.status_code == 302
    assert client.get("/agreements/").status_code == 200  # this session continues
    assert other_device.get("/agreements/").status_code == 302  # the other one is logged out


def test_sessions_expire(settings: object) -> None:
    from django.conf import settings as live

    assert live.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert live.SESSION_EXPIRE_AT_BROWSER_CLOSE


# Every prefix that was once open before the second step, and then some: a WSGI server may set
# SCRIPT_NAME from a request header, so request.path can start with any of them while Django
# routes path_info elsewhere (issue 13, finding 1).
SCRIPT_NAMES = (
    "/api",
    "/api/v1",
    "/accounts/login",
    "/accounts/logout",
    "/accounts/2fa",
    "/accounts/2fa/setup",
    "/accessibility",
    "/verify",
    "/open-data",
    "/healthz",
    "/readyz",
    "/metrics",
    "/static",
)


@pytest.mark.parametrize("script_name", SCRIPT_NAMES)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/budget/2024/"),
        ("get", "/admin/otp_totp/totpdevice/"),
        ("get", "/agreements/GF-2024-COOMPANION/pdf/"),
        ("post", "/budget/2025/start-next/"),
    ],
)
def test_script_name_does_not_open_the_second_step(
    client: Client, script_name: str, method: str, path: str
) -> None:
    _password(client, "admin")
    response = getattr(client, method)(path, SCRIPT_NAME=script_name)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=")
    assert not BudgetYear.objects.filter(year=2026).exists()  # start-next did nothing


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/2fa/",
        "/accessibility/",
        "/verify/",
        "/open-data/2024/360giving.json",
        "/healthz",
        "/readyz",
        "/api/v1/openapi.json",
    ],
)
def test_the_open_routes_answer_before_the_second_step(client: Client, path: str) -> None:
    _password(client, "handlaggare")
    assert client.get(path).status_code == 200


def test_an_unknown_path_asks_for_the_second_step_first(client: Client) -> None:
    _password(client, "handlaggare")
    response = client.get("/no-such-page/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


SIGN_URL = "/agreements/GF-2024-HIGHFIVE/sign/"  # sent for signing; highfive is its signatory


def _sign(client: Client, password: str) -> "_MonkeyPatchedWSGIResponse":
    return client.post(
        SIGN_URL,
        {"password": password, "confirm": "on"},
    )


def _change_password(client: Client, old: str) -> "_MonkeyPatchedWSGIResponse":
    new = "ett-nytt-langt-losenord-2026"
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


@pytest.mark.parametrize("attempt", [_sign, _change_password], ids=["signing", "password change"])
def test_re_entered_passwords_count_towards_the_lockout(
    client: Client, attempt: Callable[[Client, str], "_MonkeyPatchedWSGIResponse"]
) -> None:
    """Finding 4: re-entering a password was an unthrottled oracle for a session holder."""
    _password(client, "highfive")
    for _ in range(4):
        response = attempt(client, "fel-losenord")
        assert response.status_code == 400 if attempt is _sign else 200
        assert 'role="alert"' in text(response) or "errorlist" in text(response)
    fifth = attempt(client, "fel-losenord")
    assert fifth.status_code == 429
    assert "För många misslyckade inloggningar" in text(fifth)
    # Locked: even the right password is refused now, and nothing was signed or changed.
    assert attempt(client, "halland-demo").status_code == 429
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "sent"
    assert User.objects.get(username="highfive").check_password("halland-demo")
    # The login of that user from that address is locked too: it is one counter.
    assert _password(Client(), "highfive").status_code == 429


def test_the_admins_password_change_counts_towards_the_lockout(client: Client) -> None:
    """A review found /admin/password_change/ checked the old password unthrottled."""
    from tests.helpers import login

    login(client, "admin")
    new = "ett-nytt-langt-losenord-2026"
    data = {"old_password": "fel-losenord", "new_password1": new, "new_password2": new}
    for _ in range(4):
        assert client.post("/admin/password_change/", data).status_code == 200
    assert client.post("/admin/password_change/", data).status_code == 429
    data["old_password"] = "halland-demo"
    assert client.post("/admin/password_change/", data).status_code == 429
    assert User.objects.get(username="admin").check_password("halland-demo")


def test_wrong_logins_lock_the_signing_too(client: Client) -> None:
    _password(client, "highfive")
    other = Client()
    for _ in range(5):
        _password(other, "highfive", "fel-losenord")
    assert _sign(client, "halland-demo").status_code == 429
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "sent"


def test_a_right_re_entered_password_still_signs(client: Client) -> None:
    _password(client, "highfive")
    _sign(client, "fel-losenord")
    assert _sign(client, "halland-demo").status_code == 302
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "partner_signed"


# Finding 5: the address lockouts count by. Without a trusted proxy configured, REMOTE_ADDR is
# the client and X-Forwarded-For is whatever the client typed; behind the proxy, the proxy's
# last entry is the client and REMOTE_ADDR is the proxy's.
def _fail_five_times(**meta: Any) -> None:
    for _ in range(5):
        Client().post("/accounts/login/", {"username": "handlaggare", "password": "fel"}, **meta)


def _login_status(**meta: Any) -> int:
    response = Client().post(
        "/accounts/login/", {"username": "handlaggare", "password": "halland-demo"}, **meta
    )
    return int(response.status_code)


def test_directly_the_address_is_the_connection_and_the_header_is_ignored() -> None:
    for i in range(5):  # a new "address" in the header each time changes nothing
        Client().post(
            "/accounts/login/",
            {"username": "handlaggare", "password": "fel"},
            REMOTE_ADDR="192.0.2.20",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    assert _login_status(REMOTE_ADDR="192.0.2.20") == 429
    assert _login_status(REMOTE_ADDR="192.0.2.21") == 302  # another client


@pytest.mark.parametrize("proxy", ["127.0.0.1", "::1"])
def test_behind_the_proxy_each_client_is_counted_by_itself(settings: Any, proxy: str) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    user = {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    _fail_five_times(**attacker)
    assert _login_status(**attacker) == 429
    # Every client comes from the proxy's address, but the real user is not locked out.
    assert _login_status(**user) == 302


@pytest.mark.parametrize(
    "forged",
    [
        "198.51.100.7",
        '198.51.100.7, "',  # an unclosed quote once made a lenient parser skip the proxy's entry
        "198.51.100.7, unknown",
        "198.51.100.7:443",
        "[198.51.100.7]",
    ],
)
def test_behind_the_proxy_no_forged_header_picks_the_address(settings: Any, forged: str) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"{forged}, 203.0.113.9"}
    _fail_five_times(**attacker)
    assert _login_status(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7") == 302
    assert _login_status(**attacker) == 429  # counted as 203.0.113.9, the real address


def test_behind_the_proxy_a_forged_header_does_not_change_the_address(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The attacker sends the user's address; the proxy appends the attacker's real one.
    _fail_five_times(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9")
    assert _login_status(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7") == 302
    assert _login_status(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9") == 429


def test_the_header_counts_only_from_the_trusted_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # Someone reaching an app server directly cannot pick an address by sending the header.
    for i in range(5):
        Client().post(
            "/accounts/login/",
            {"username": "handlaggare", "password": "fel"},
            REMOTE_ADDR="192.0.2.30",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}",
        )
    assert _login_status(REMOTE_ADDR="192.0.2.30", HTTP_X_FORWARDED_FOR="198.51.100.99") == 429
