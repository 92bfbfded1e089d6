"""Hostile path and query parameters, and headers, on the read-only JSON API (docs/api.md).

A parameter that is not what the OpenAPI document says is 422 with one entry per problem; an
object that cannot exist, or is another partner's, is 404 with the same body as a missing one;
a bad header is 401. Always JSON, never a server error, never a change.
"""

import json
from typing import Any

import pytest
from django.test import Client

from tests.bad_input.common import HUGE, HUGER, NUL, SCRIPT, TOKENS, snapshot

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _get(path: str, params: dict[str, str] | None = None, *, holder: str = "handlaggare") -> Any:
    headers = {"Authorization": f"Bearer {TOKENS[holder]}"}
    return Client().get(path, params or {}, headers=headers)


def _json(response: Any) -> Any:
    """The body: JSON for an answer, an RFC 9457 problem for an error (never HTML)."""
    expected = "application/problem+json" if response.status_code >= 400 else "application/json"
    assert response["Content-Type"].startswith(expected), response["Content-Type"]
    return json.loads(response.content)


# --------------------------------------------------------------------------- path parameters

YEARS = [
    ("text", "abc", 422),
    ("negative", "-1", 422),
    ("below the range", "1999", 422),
    ("above the range", "2101", 422),
    ("2^63", HUGE, 422),
    ("40 digits", HUGER, 422),
    ("float", "2024.5", 422),
    ("exponent", "2e3", 422),
    ("hex", "0x7e8", 422),
    ("NUL", "%00", 422),
    ("arabic digits", "%D9%A2%D9%A0%D9%A2%D9%A4", 422),
    ("script", "%3Cscript%3E", 422),
    ("in range, no year", "2099", 404),
]
REFERENCES = [
    ("lower case", "gf-2024-coompanion"),
    ("61 characters", "A" * 61),
    ("NUL", "%00"),
    ("trailing NUL", "GF-2024-COOMPANION%00"),
    ("VT", "GF-2024-COOMPANION%0B"),
    ("dot dot", ".."),
    ("script", "%3Cscript%3E"),
    ("Å", "GF-2024-%C3%85"),
    ("SQL", "GF'%20OR%20'1'='1"),
    ("double dash", "GF--2024"),
    ("RTL override", "%E2%80%AEGF-2024-COOMPANION"),
    ("2^63", HUGE),
]
PATHS = [
    *((f"{API}/budget-years/{{year}}", name, value, status) for name, value, status in YEARS),
    *((f"{API}/agreements/{{reference}}", name, value, 404) for name, value in REFERENCES),
]
PATH_KEYS = [(pattern, "<path>", value) for pattern, _name, value, _ in PATHS]


@pytest.mark.parametrize(
    ("pattern", "name", "value", "status"),
    PATHS,
    ids=[f"{pattern} {name}" for pattern, name, _v, _s in PATHS],
)
def test_hostile_path_parameter(pattern: str, name: str, value: str, status: int) -> None:
    before = snapshot()
    path = pattern.replace("{year}", value).replace("{reference}", value)
    response = _get(path)
    assert response.status_code == status
    body = _json(response)
    if status == 404:
        expected = "No such agreement." if "agreements" in pattern else "No such budget year."
        assert body["detail"] == expected
    else:
        assert isinstance(body["errors"], list)
        assert body["errors"]
    assert SCRIPT not in response.content.decode()
    assert snapshot() == before


def test_another_partners_agreement_is_the_404_of_a_missing_one() -> None:
    mine = _get(f"{API}/agreements/GF-2024-COOMPANION", holder="coompanion")
    theirs = _get(f"{API}/agreements/GF-2024-MATGILLE", holder="coompanion")
    missing = _get(f"{API}/agreements/GF-2024-NOBODY", holder="coompanion")
    assert mine.status_code == 200
    assert (theirs.status_code, theirs.content) == (missing.status_code, missing.content)
    assert theirs.status_code == 404


# --------------------------------------------------------------------------- query parameters

PAGING = [
    ("limit", "zero", "0"),
    ("limit", "negative", "-1"),
    ("limit", "over the maximum", "501"),
    ("limit", "text", "abc"),
    ("limit", "2^63", HUGE),
    ("limit", "float", "1.5"),
    ("limit", "empty", ""),
    ("limit", "NUL", NUL),
    ("limit", "exponent", "1e2"),
    ("offset", "negative", "-1"),
    ("offset", "2^31", str(2**31)),
    ("offset", "2^63", HUGE),
    ("offset", "40 digits", HUGER),
    ("offset", "text", "abc"),
    ("offset", "float", "1.5"),
    ("offset", "script", SCRIPT),
]
FILTERS = {
    "year": [
        ("below the range", "1999"),
        ("above the range", "2101"),
        ("text", "abc"),
        ("2^63", HUGE),
        ("NUL", NUL),
        ("float", "2024.5"),
        ("script", SCRIPT),
    ],
    "programme": [
        ("traversal", "../"),
        ("script", SCRIPT),
        ("overlong", "a" * 81),
        ("NUL", NUL),
        ("å", "grundfinansiering-å"),
        ("space", "grund finansiering"),
        ("SQL", "x' OR '1'='1"),
    ],
    "status": [
        ("upper case", "SIGNED"),
        ("unknown", "unknown"),
        ("NUL", NUL),
        ("script", SCRIPT),
        ("label", "Underskriven"),
    ],
}
LISTS = {
    "/budget-years": [],
    "/programmes": ["year"],
    "/allocations": ["year", "programme"],
    "/agreements": ["year", "status"],
}
QUERIES = [
    *((endpoint, param, name, value) for endpoint in LISTS for param, name, value in PAGING),
    *(
        (endpoint, param, name, value)
        for endpoint, params in LISTS.items()
        for param in params
        for name, value in FILTERS[param]
    ),
]
QUERY_KEYS = [(f"{API}{endpoint}", param, repr(value)) for endpoint, param, _n, value in QUERIES]


@pytest.mark.parametrize(
    ("endpoint", "param", "name", "value"),
    QUERIES,
    ids=[f"{endpoint} {param} {name}" for endpoint, param, name, _ in QUERIES],
)
def test_hostile_query_parameter_is_422(endpoint: str, param: str, name: str, value: str) -> None:
    before = snapshot()
    response = _get(f"{API}{endpoint}", {param: value})
    assert response.status_code == 422
    errors = _json(response)["errors"]
    assert isinstance(errors, list)
    assert any(param in json.dumps(entry) for entry in errors), errors
    assert SCRIPT not in response.content.decode()
    assert snapshot() == before


# --------------------------------------------------------------------------- the header

HEADERS = [
    ("scheme only", "Bearer"),
    ("empty token", "Bearer    "),
    ("basic", "Basic aGFuZGxhZ2dhcmU6aGFsbGFuZC1kZW1v"),
    ("long", "Bearer gf_" + "x" * 10000),
    ("NUL", "Bearer gf_\x00"),
    ("RTL override", "Bearer gf_\u202eabc"),
    ("script", f"Bearer {SCRIPT}"),
    ("other scheme", "Token {token}"),
    ("token with NUL", "Bearer {token}\x00"),
    ("two tokens", "Bearer {token} {token}"),
]
HEADER_KEYS = [(f"{API}/", "Authorization", repr(v)) for _, v in HEADERS]


@pytest.mark.parametrize(("name", "header"), HEADERS, ids=[n for n, _ in HEADERS])
def test_hostile_authorization_header_is_401(name: str, header: str) -> None:
    before = snapshot()
    value = header.replace("{token}", TOKENS["handlaggare"])
    response = Client().get(f"{API}/agreements", headers={"Authorization": value})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert isinstance(_json(response)["detail"], str)
    assert snapshot() == before
