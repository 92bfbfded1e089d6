"""Login, the second step, changing the password, signing's password, the language switch.

Wrong passwords count towards django-axes' lockout; each test starts from a clean count (the
attempts are rows, rolled back with the test).
"""

from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.bad_input import specs
from tests.bad_input.common import HUGE, NUL, SCRIPT, Case, as_params, enter, post_case, snapshot

pytestmark = pytest.mark.django_db

WRONG = "korrekt användarnamn och lösenord"
LOGIN_VALUES = {
    WRONG: [
        ("username", "overlong", "x" * 151, "x"),
        ("username", "VT inside", "handl\x0baggare", "halland-demo"),
        ("username", "SQL", "' OR 1=1 --", "x"),
        ("username", "other case", "HANDLAGGARE", "halland-demo"),
        ("username", "script", SCRIPT, "x"),
        ("username", "lookalike", "hаndlaggare", "halland-demo"),  # Cyrillic а
        ("username", "RTL override", "\u202ehandlaggare", "halland-demo"),
        ("password", "long", "handlaggare", "x" * 5000),
        ("password", "trailing space", "handlaggare", "halland-demo "),
    ],
    "måste fyllas i": [
        ("username", "empty", "", "x"),
        ("password", "empty", "handlaggare", ""),
        ("username", "spaces", "   ", "halland-demo"),
    ],
    "Null": [("password", "NUL", "handlaggare", "halland-demo\x00")],
}
CASES = [
    Case(
        f"login {field} {name}",
        "",
        "/accounts/login/",
        field,
        username if field == "username" else password,
        (lambda u, p: lambda c: ("/accounts/login/", {"username": u, "password": p}))(
            username, password
        ),
        message,
    )
    for message, values in LOGIN_VALUES.items()
    for field, name, username, password in values
]


# --------------------------------------------------------------------------- the second step


def _second_step(data: dict[str, str] | None = None, **device: str) -> Any:
    """Half logged in (password given, no code yet) as the official, then post `data`."""

    def build(client: Client) -> tuple[str, dict[str, Any]]:
        enter(client, "handlaggare:password-only")
        posted = dict(data or {})
        if device.get("other_user"):
            posted["otp_device"] = TOTPDevice.objects.get(
                user__username=device["other_user"]
            ).persistent_id
        return "/accounts/2fa/", {"next": "/budget/2024/", **posted}

    return build


INVALID_TOKEN = "Koden stämmer inte"  # neither the app's code nor a recovery code
TOKENS = {
    "Skriv koden": [("empty", ""), ("spaces", "   ")],
    INVALID_TOKEN: [
        ("letters", "abc"),
        ("seven digits", "1234567"),
        ("five digits", "12345"),
        ("2^63", HUGE),
        ("script", SCRIPT),
        ("arabic digits", "٠١٢٣٤٥"),
        ("spaced", "123 456"),
        ("SQL", "1' OR '1'='1"),
        ("VT", "123\x0b456"),
        ("negative", "-12345"),
        ("recovery code format", "abcd2345"),
        ("recovery code upper case", "ABCD 2345"),
    ],
    "som mest 32 tecken": [("overlong", "1" * 33)],
    "Null": [("NUL", NUL)],
}
CASES += [
    Case(
        f"second step code {name}",
        "",
        "/accounts/2fa/",
        "otp_token",
        value,
        _second_step({"otp_token": value}),
        message,
    )
    for message, values in TOKENS.items()
    for name, value in values
]
# The form has no device field since recovery codes came (twofactor): the code picks the
# device. A device id posted anyway, even another user's, is ignored and the code still checked.
DEVICES = [
    ("missing", "otp_totp.totpdevice/999999"),
    ("garbage", "garbage"),
    ("NUL", NUL),
    ("2^63", f"otp_totp.totpdevice/{HUGE}"),
    ("other model", "otp_static.staticdevice/1"),
    ("traversal", "../../otp_totp.totpdevice/1"),
]
CASES += [
    Case(
        f"second step device {name}",
        "",
        "/accounts/2fa/",
        "otp_device",
        value,
        _second_step({"otp_token": "123456", "otp_device": value}),
        INVALID_TOKEN,
    )
    for name, value in DEVICES
]
CASES += [
    Case(
        "second step device of another user",
        "",
        "/accounts/2fa/",
        "otp_device",
        "<the secretary's device>",
        _second_step({"otp_token": "123456"}, other_user="sekreterare"),
        INVALID_TOKEN,
    ),
    Case(
        "second step code with an outside next",
        "",
        "/accounts/2fa/",
        "next",
        "https://evil.example/",
        _second_step({"otp_token": "000000", "next": "https://evil.example/"}),
        INVALID_TOKEN,
    ),
]

# --------------------------------------------------------------------------- changing the password

GOOD_NEW = "ett-riktigt-bra-losenord-7"


def _password(**changes: str) -> Any:
    data = {"old_password": "halland-demo", "new_password1": GOOD_NEW, "new_password2": GOOD_NEW}
    data.update(changes)
    return lambda client: ("/accounts/password/", data)


def _new(value: str) -> dict[str, str]:
    return {"new_password1": value, "new_password2": value}


PASSWORDS = {
    "gamla lösenord var felaktigt": [
        ("old_password", "wrong", {"old_password": "fel"}),
        ("old_password", "other case", {"old_password": "HALLAND-DEMO"}),
        ("old_password", "trailing space", {"old_password": "halland-demo "}),
        ("old_password", "script", {"old_password": SCRIPT}),
    ],
    "måste fyllas i": [
        ("old_password", "empty", {"old_password": ""}),
        ("new_password1", "empty", _new("")),
    ],
    "Null": [
        ("old_password", "NUL", {"old_password": NUL}),
        ("new_password1", "NUL", _new("abc\x00defghijklmn")),
    ],
    "stämmer inte överens": [
        ("new_password2", "different", {"new_password2": "annat-losenord-som-inte-stammer"}),
        ("new_password2", "trailing space", {"new_password2": GOOD_NEW + " "}),
    ],
    "för kort": [("new_password1", "short", _new("kort")), ("new_password1", "emoji", _new("😀"))],
    "enbart numeriskt": [("new_password1", "digits", _new("123456789012345"))],
    "för vanligt": [("new_password1", "common", _new("password1234"))],
}
CASES += [
    Case(
        f"password change {field} {name}",
        "matgille",
        "/accounts/password/",
        field,
        changes.get(field, ""),
        _password(**changes),
        message,
    )
    for message, values in PASSWORDS.items()
    for field, name, changes in values
]

# --------------------------------------------------------------------------- signing


def _sign(**changes: str) -> Any:
    return lambda client: ("/agreements/GF-2024-HIGHFIVE/sign/", {**specs.SIGN, **changes})


SIGNING = {
    "stämmer inte": [
        ("password", "spaces", "   "),
        ("password", "other case", "HALLAND-DEMO"),
        ("password", "trailing space", "halland-demo "),
        ("password", "long", "x" * 5000),
        ("password", "script", SCRIPT),
    ],
    "Null": [("password", "NUL", NUL)],
    "måste fyllas i": [
        ("password", "empty", ""),
        ("confirm", "false", "false"),
        ("confirm", "FALSE", "FALSE"),
    ],
}
CASES += [
    Case(
        f"sign {field} {name}",
        "highfive",
        specs.AGREEMENT_SIGN.pattern,
        field,
        value,
        _sign(**{field: value}),
        message,
    )
    for message, values in SIGNING.items()
    for field, name, value in values
]


@pytest.mark.parametrize("case", as_params(CASES))
def test_account_form(client: Client, case: Case) -> None:
    post_case(client, case)


# --------------------------------------------------------------------------- the language switch

SETLANG = "/i18n/setlang/"
LANGUAGES = [
    ("unknown", "xx"),
    ("empty", ""),
    ("NUL", NUL),
    ("script", SCRIPT),
    ("upper case", "EN"),
    ("path", "../en"),
    ("long", "en" * 500),
    ("VT", "en\x0b"),
]
NEXTS = [
    ("outside", "https://evil.example/"),
    ("scheme-relative", "//evil.example/"),
    ("javascript", "javascript:alert(1)"),
    ("backslash", "/\\evil.example/"),
    ("NUL", NUL),
    ("CRLF header", "/\r\nSet-Cookie: x=1"),
    ("data", "data:text/html,<script>alert(1)</script>"),
]
SETLANG_KEYS = [(SETLANG, "language", repr(v)) for _, v in LANGUAGES] + [
    (SETLANG, "next", repr(v)) for _, v in NEXTS
]


def _stays_on_site(location: str) -> bool:
    parsed = urlparse(location)
    return not parsed.scheme and not parsed.netloc and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize(("name", "value"), LANGUAGES, ids=[n for n, _ in LANGUAGES])
def test_an_unknown_language_changes_nothing(client: Client, name: str, value: str) -> None:
    before = snapshot()
    response = client.post(SETLANG, {"language": value, "next": "/accessibility/"})
    assert response.status_code == 302
    assert response["Location"] == "/accessibility/"
    cookie = response.cookies.get("django_language")
    assert cookie is None or cookie.value not in ("sv", "en")  # Django keeps "EN" as typed
    page = client.get("/accessibility/")
    assert page.status_code == 200
    assert page["Content-Language"] == "sv"
    assert snapshot() == before


COOKIES = [("unknown", "xx"), ("script", SCRIPT), ("long", "x" * 4000), ("NUL", NUL)]
COOKIE_KEYS = [("<cookie>", "django_language", repr(v)) for _, v in COOKIES]


@pytest.mark.parametrize(("name", "value"), COOKIES, ids=[n for n, _ in COOKIES])
def test_a_forged_language_cookie_means_swedish(client: Client, name: str, value: str) -> None:
    client.cookies["django_language"] = value
    page = client.get("/accessibility/")
    assert page.status_code == 200
    assert page["Content-Language"] == "sv"
    assert SCRIPT not in page.content.decode()


@pytest.mark.parametrize(("name", "value"), NEXTS, ids=[n for n, _ in NEXTS])
def test_the_language_switch_never_leaves_the_site(client: Client, name: str, value: str) -> None:
    response = client.post(SETLANG, {"language": "en", "next": value})
    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]
    assert "\n" not in response["Location"]
