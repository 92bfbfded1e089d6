"""What every module of the catalogue shares: the case record, the hostile values, the snapshot.

A case is one input: a URL pattern (as the URL configuration spells it), a field (or path or
query parameter) and one value. `tests/bad_input/test_count.py` counts the distinct
(pattern, field, value) triples across all modules.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from agreements.models import (
    Agreement,
    Indicator,
    IndicatorValue,
    Instalment,
    Report,
    ReportAttachment,
    ReportingRequirement,
    Signature,
)
from api.models import ApiToken
from archive.models import ArchiveBundle
from audit.models import AuditEvent
from funding.models import Allocation, BudgetYear, Decision, Programme
from partners.models import Partner, PartnerContact, PartnerMembership
from tests.helpers import text

ERROR_MARKERS = ("errorlist", "field-error", "error-summary", "message-error", 'role="alert"')
SCRIPT = "<script>alert(1)</script>"
NUL = "abc\x00def"

Builder = Callable[[Client], tuple[str, dict[str, Any]]]

# username -> session key, logged in once for the package (tests/bad_input/conftest.py)
SESSIONS: dict[str, str] = {}
# username -> API token, made once for the package
TOKENS: dict[str, str] = {}


def enter(client: Client, username: str) -> Client:
    """Use `username`'s session (staff past the second step): no login, nothing written."""
    from django.conf import settings

    client.cookies[settings.SESSION_COOKIE_NAME] = SESSIONS[username]
    return client


@dataclass(frozen=True)
class Case:
    """One bad input, posted as `username` ("" is anonymous), answered with `message`."""

    id: str
    username: str
    pattern: str
    field: str
    value: Any
    build: Builder
    message: str
    marks: tuple[Any, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.pattern, self.field, repr(self.value))


def new_only(cases: list[Case], *, besides: list[Case]) -> list[Case]:
    """`cases` without the inputs `besides` already tries (the same value in the same field)."""
    seen = {c.key for c in besides}
    return [c for c in cases if c.key not in seen]


def as_params(cases: list[Case]) -> list[Any]:
    import pytest

    return [pytest.param(c, id=c.id, marks=c.marks) for c in cases]


# --------------------------------------------------------------------------- hostile values
# (short name for the test id, value). Grouped by what any text field answers.


def overlong(max_length: int) -> list[tuple[str, str]]:
    return [
        ("overlong", "x" * (max_length + 1)),
        ("overlong emoji", "😀" * (max_length + 1)),  # characters are counted, not bytes
    ]


EMPTIES = [
    ("empty", ""),
    ("spaces", "   "),
    ("tab newline", "\t\r\n"),
    ("no-break space", "\u00a0"),
    ("ideographic space", "\u3000"),
]

NULS = [("NUL", NUL), ("NUL only", "\x00")]

# Refused in every free-text field (core.validators): multi-line text keeps \t \n \r.
CONTROLS = [
    ("VT", "abc\x0bdef"),
    ("BEL", "abc\x07def"),
    ("ESC", "a\x1b[1mb"),
    ("DEL", "abc\x7fdef"),
    ("NEL", "abc\x85def"),
    ("SOH", "\x01abc"),
    ("FF", "abc\x0cdef"),
]
# ... and in single-line fields also these (a pasted line break in a name).
LINE_BREAKS = [("TAB inside", "abc\tdef"), ("LF inside", "abc\ndef"), ("CRLF inside", "abc\r\ndef")]

# Accepted in free text: saved as typed and shown escaped (tests/bad_input/test_accepted.py).
ODD_BUT_FINE = [
    ("script", SCRIPT),
    ("RTL override", "abc\u202egnp.exe"),
    ("zero-width space", "a\u200bb"),
    ("combining marks", "Z\u0351\u0364\u036ba\u0300\u0301lgo"),
    ("emoji", "Grundfinansiering 💶🇸🇪"),
    ("4-byte", "𝔊𝔯𝔲𝔫𝔡 𠜎"),
    ("SQL", "'; DROP TABLE funding_decision; --"),
    ("formula", "=cmd|' /C calc'!A0"),
    ("long word", "x" * 250),
    ("path traversal", "../../../../etc/passwd"),
]

# Dates: refused by every DateField ("Ange ett giltigt datum.").
BAD_DATES = [
    ("impossible", "2024-02-30"),
    ("not a leap year", "2023-02-29"),
    ("month 13", "2024-13-01"),
    ("month 0", "2024-00-10"),
    ("year 0", "0000-01-01"),
    ("year 10000", "10000-01-01"),
    ("words", "igår"),
    ("day/month year", "22/10 2024"),
    ("slashes y/m/d", "2024/10/22"),
    ("dotted", "22.10.2024"),
    ("compact", "20241022"),
    ("with time", "2024-10-22T10:00"),
    ("NUL", "2024-10-22\x00"),
    ("script", SCRIPT),
    ("huge year", "99999999999999999999-01-01"),
]

HUGE = str(2**63)
HUGER = "9" * 40


# --------------------------------------------------------------------------- the snapshot


def _rows(model: type[Model], *fields: str) -> list[tuple[Any, ...]]:
    return list(model.objects.order_by("pk").values_list("pk", *fields))  # type: ignore[attr-defined]


def snapshot() -> tuple[Any, ...]:
    """Everything a bad input could change: counts, the rows forms write, passwords."""
    return (
        AuditEvent.objects.count(),
        _rows(Allocation, "amount", "status", "version", "decision_id"),
        _rows(
            Decision,
            "body",
            "meeting_date",
            "paragraph",
            "registration_number",
            "title",
            "text",
            "legal_basis",
            "status",
            "approved_on",
            "legal_bases",
            "distribution",
            "adjusters",
            "chair",
            "posted_on",
        ),
        _rows(
            Agreement,
            "status",
            "version",
            "period_start",
            "period_end",
            "purpose",
            "conditions",
            "termination_reason",
            "discard_reason",
            "recovery_amount",
            "recovery_due_date",
        ),
        _rows(
            Instalment,
            "agreement_id",
            "number",
            "due_date",
            "amount",
            "status",
            "paid_on",
            "finance_reference",
            "after_report_id",
        ),
        _rows(ReportingRequirement, "agreement_id", "description", "due_date"),
        _rows(Indicator, "agreement_id", "name", "unit", "target"),
        _rows(Report, "status", "narrative", "review_comment", "submitted_at"),
        _rows(IndicatorValue, "report_id", "indicator_id", "value"),
        _rows(ReportAttachment, "report_id", "sha256"),
        _rows(PartnerContact, "partner_id", "name", "role", "email", "phone"),
        Signature.objects.count(),
        _rows(Programme, "ceiling", "name"),
        _rows(BudgetYear, "year", "status"),
        _rows(Partner, *(f.name for f in Partner._meta.concrete_fields if f.name != "id")),
        _rows(PartnerMembership, "user_id", "partner_id", "is_signatory"),
        _rows(User, "password", "is_active", "role", "last_login", "title"),
        _rows(TOTPDevice, "user_id", "key", "confirmed"),
        _rows(StaticToken, "device_id", "token"),
        ArchiveBundle.objects.count(),
        ApiToken.objects.count(),
    )


# --------------------------------------------------------------------------- running a case

_ERRORS = re.compile(
    r'class="[^"]*\b(?:errorlist|field-error|message-error|errornote|error-summary)\b[^"]*"'
    r"[^>]*>(.*?)</(?:ul|li|p|div)>",
    re.S,
)


def errors_shown(body: str) -> list[str]:
    """The error texts on a page, tags removed (for failure messages)."""
    return [re.sub(r"<[^>]+>|\s+", " ", m).strip() for m in _ERRORS.findall(body)]


def post_case(client: Client, case: Case) -> str:
    """Post the case's input; check what every bad form input must answer; return the body."""
    if case.username:
        enter(client, case.username)
    url, data = case.build(client)
    before = snapshot()
    response = client.post(url, data, follow=True)
    assert response.status_code < 500
    body = text(response)
    shown = errors_shown(body)
    assert any(marker in body for marker in ERROR_MARKERS), f"{case.id}: no error shown"
    assert case.message in body, f"{case.id}: expected {case.message!r}, shown: {shown}"
    assert SCRIPT not in body  # whatever was typed comes back escaped
    assert snapshot() == before, f"{case.id}: something saved"
    return body


def refused_for_nul(response: Any) -> None:
    """A NUL anywhere in a page's query string is refused before any view (core.limits): 400,
    with the site's page. (The API validates its own parameters: 422.)"""
    assert response.status_code == 400
    assert "Felaktig adress" in response.content.decode()
