"""Amounts, dates, whole numbers, choices and hidden fields: hostile values by expected message.

Amounts go through core.money (as typed in the allocation editor and the payment plan), dates
through the forms' ISO date fields, whole numbers through IntegerField or a formset's management
form, choices and hidden ids through ModelChoiceField or the view's own check.
"""

from typing import Any

import pytest
from django.test import Client

from tests.bad_input import specs, test_original
from tests.bad_input.common import (
    BAD_DATES,
    HUGE,
    HUGER,
    NUL,
    SCRIPT,
    Case,
    as_params,
    enter,
    new_only,
    post_case,
)
from tests.helpers import text

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------- amounts

AMOUNTS: dict[str, list[tuple[str, str]]] = {
    "negativt": [
        ("minus zero", "-0"),
        ("minus inf", "-inf"),
        ("minus grouped", "-3 000 000"),
        ("unicode minus zero", "−0"),
    ],
    "med siffror": [
        ("plus", "+5"),
        ("bad grouping", "1 000 00"),
        ("unit only", "kr"),
        ("SEK", "3 000 000 SEK"),
        ("hex", "0x10"),
        ("underscore", "1_000"),
        ("fullwidth digits", "１２３"),
        ("VT inside", "12\x0b000"),
        ("RTL override", "3 000 000\u202e"),
        ("hyphen minus lookalike", "‐5"),
        ("dash öre", "3 000 000,-"),
        ("formula", "=1+1"),
        ("three decimals", "0,001"),
        ("math bold digit", "𝟑"),
        ("emoji", "💰"),
        ("SQL", "1; DROP TABLE funding_allocation"),
        ("dangling exponent", "3e"),
        ("leading point", ".5"),
        ("leading comma", ",5"),
        ("trailing point", "5."),
        ("kr twice", "5 kr kr"),
        ("vulgar fraction", "½"),
        ("roman numeral", "Ⅻ"),
        ("apostrophe grouping", "3'000'000"),
        ("NUL only", "\x00"),
        ("exponent with comma", "1,5e3"),
        ("inf", "inf"),
        ("None", "None"),
        ("JSON list", "[]"),
        ("binary", "0b101"),
        ("percent", "5%"),
        ("path traversal", "../../etc/passwd"),
    ],
    "hela kronor": [
        ("one öre digit", "3 000 000,5"),
        ("point öre", "3 000 000.50"),
        ("one öre", "0,01"),
        ("öre with kr", "1.99 kr"),
    ],
    "orimligt stort": [
        ("fourteen digits", "1" * 14),
        ("forty digits", "1" * 40),
        ("grouped fifteen digits", "999 999 999 999 999"),
    ],
    "för långt": [("41 spaces", " " * 41), ("41 zeros", "0" * 41)],
}


def _allocation_amount(value: str) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = specs.ALLOCATIONS.base(client)
        return url, {**data, specs.matgille_amount(): value}

    return build


def _edit(field: str, value: str) -> Any:
    return lambda client: (specs.EDIT_URL, specs.plan_data(**{field: value}))


def _recovery(field: str, value: str) -> Any:
    """Terminating with an amount to recover: the other recovery field valid (issue 17)."""

    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = specs.AGREEMENT_TERMINATE.base(client)
        valid = {"recovery_amount": "1 000", "recovery_due_date": "2099-12-31"}
        return url, {**data, **valid, field: value}

    return build


AMOUNT_CASES = [
    case
    for message, values in AMOUNTS.items()
    for name, value in values
    for case in (
        Case(
            f"allocations amount {name}",
            "handlaggare",
            specs.EDITOR,
            "amount_<partner>",
            value,
            _allocation_amount(value),
            message,
        ),
        Case(
            f"plan amount {name}",
            "handlaggare",
            specs.AGREEMENT_EDIT.pattern,
            "plan-0-amount",
            value,
            _edit("plan-0-amount", value),
            message,
        ),
        Case(
            f"terminate recovery amount {name}",
            specs.AGREEMENT_TERMINATE.username,
            specs.AGREEMENT_TERMINATE.pattern,
            "recovery_amount",
            value,
            _recovery("recovery_amount", value),
            message,
        ),
    )
]

# --------------------------------------------------------------------------- dates

DATES = [
    *BAD_DATES,
    ("day 32", "2024-10-32"),
    ("negative year", "-2024-10-22"),
    ("double dash", "2024--10-22"),
    ("month only", "2024-10"),
    ("year only", "2024"),
    ("spaces", "   "),
    ("exponent", "1e3"),
    ("arabic digits", "٢٠٢٤-١٠-٢٢"),
    ("US order", "10/22/2024"),  # the Swedish locale took these as month/day
    ("US order short year", "10/22/24"),
]


def _with(form: specs.Form, field: str, value: Any) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = form.base(client)
        return url, {**data, field: value}

    return build


def _date_cases(form: specs.Form, field: str, label: str, message: str) -> list[Case]:
    return [
        Case(
            f"{form.name} {label} {name}",
            form.username,
            form.pattern,
            field,
            value,
            _with(form, field, value),
            message,
        )
        for name, value in DATES
    ]


DATE_CASES = [
    *_date_cases(specs.DECISION_NEW, "meeting_date", "meeting date", "giltigt datum"),
    *_date_cases(specs.DECISION_EDIT, "meeting_date", "meeting date", "giltigt datum"),
    # Justering's page (issue 19): a decided decision, the dates next to their fields.
    *_date_cases(specs.DECISION_APPROVE, "approved_on", "date", "giltigt datum"),
    *_date_cases(specs.DECISION_APPROVE, "posted_on", "posted date", "giltigt datum"),
    *_date_cases(specs.AGREEMENT_NEW, "period_start", "period start", "giltigt datum"),
    *_date_cases(specs.AGREEMENT_NEW, "period_end", "period end", "giltigt datum"),
    *_date_cases(specs.AGREEMENT_EDIT, "period_start", "period start", "giltigt datum"),
    *_date_cases(specs.AGREEMENT_EDIT, "period_end", "period end", "giltigt datum"),
    *_date_cases(specs.AGREEMENT_EDIT, "plan-0-due_date", "plan date", "giltigt datum"),
    *_date_cases(specs.AGREEMENT_EDIT, "reports-0-due_date", "report date", "giltigt datum"),
]
DATE_CASES += [
    Case(
        f"terminate recovery date {name}",
        specs.AGREEMENT_TERMINATE.username,
        specs.AGREEMENT_TERMINATE.pattern,
        "recovery_due_date",
        value,
        _recovery("recovery_due_date", value),
        "giltigt datum",
    )
    for name, value in DATES
    if value.strip()  # blank is no date: the amount then asks for one (tests/agreements)
]
# Real dates far from the agreement's period: the service refuses them.
DATE_CASES += [
    Case(
        f"agreement edit plan date {name}",
        "handlaggare",
        specs.AGREEMENT_EDIT.pattern,
        "plan-0-due_date",
        value,
        _edit("plan-0-due_date", value),
        "utanför avtalsperioden",
    )
    for name, value in [("year 1", "0001-01-01"), ("year 9999", "9999-12-31")]
]

# --------------------------------------------------------------------------- whole numbers

PARAGRAPHS = {
    "större än eller lika med 1": [("negative", "-1")],
    "mindre än eller lika med 99999": [
        ("2^63", HUGE),
        ("40 digits", HUGER),
        ("100000", "100000"),
    ],
    "heltal": [
        ("float", "1.5"),
        ("text", "abc"),
        ("hex", "0x10"),
        ("exponent", "1e3"),
        ("NUL", NUL),
        ("script", SCRIPT),
        ("superscript two", "²"),
    ],
}
INTEGER_CASES = [
    Case(
        f"{form.name} paragraph {name}",
        form.username,
        form.pattern,
        "paragraph",
        value,
        _with(form, "paragraph", value),
        message,
    )
    for form in (specs.DECISION_NEW, specs.DECISION_EDIT)
    for message, values in PARAGRAPHS.items()
    for name, value in values
    if not (form is specs.DECISION_NEW and value in ("0", "§ 88"))
]


def _version(value: str) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = specs.ALLOCATIONS.base(client)
        return url, {**data, specs.matgille_version(): value}

    return build


# A version that is not a whole number ≥ 0 is a tampered page; one that is, but not the row's,
# is a stale page (409, the conflict is listed).
VERSIONS = {
    "Ladda om": [
        ("empty", ""),
        ("float", "1.5"),
        ("hex", "0x10"),
        ("exponent", "1e3"),
        ("NUL", NUL),
        ("script", SCRIPT),
        ("superscript two", "²"),
    ],
    "har ändrat fördelningen": [
        ("2^63", HUGE),
        ("40 digits", HUGER),
        ("zero", "0"),
        ("99999", "99999"),
    ],
}
INTEGER_CASES += [
    Case(
        f"allocations version {name}",
        "handlaggare",
        specs.EDITOR,
        "version_<partner>",
        value,
        _version(value),
        message,
    )
    for message, values in VERSIONS.items()
    for name, value in values
]

# The formsets' management forms: counts the browser sends back. (INITIAL_FORMS means nothing
# to a formset that is not a model formset, and a negative count of report rows is no rows:
# both are accepted.)
MANAGEMENT = {
    "ManagementForm": [
        ("plan-TOTAL_FORMS", "float", "1.5"),
        ("plan-TOTAL_FORMS", "empty", ""),
        ("plan-TOTAL_FORMS", "NUL", NUL),
        ("plan-INITIAL_FORMS", "text", "abc"),
        ("reports-TOTAL_FORMS", "text", "x"),
        ("reports-TOTAL_FORMS", "float", "0.5"),
    ],
    "som mest 24": [
        ("plan-TOTAL_FORMS", "2^63", HUGE),
        ("plan-TOTAL_FORMS", "40 digits", HUGER),
        ("reports-TOTAL_FORMS", "2^63", HUGE),
        ("reports-TOTAL_FORMS", "500", "500"),
    ],
    "minst en utbetalning": [("plan-TOTAL_FORMS", "negative", "-1")],
}
INTEGER_CASES += [
    Case(
        f"agreement edit {field} {name}",
        "handlaggare",
        specs.AGREEMENT_EDIT.pattern,
        field,
        value,
        _edit(field, value),
        message,
    )
    for message, values in MANAGEMENT.items()
    for field, name, value in values
]

# --------------------------------------------------------------------------- choices and ids


def _add(values: list[str]) -> Any:
    return lambda c: (f"/decisions/{specs.draft_decision().pk}/add/", {"allocations": values})


ADD_VALUES = [
    ("already decided", ["1"]),
    ("missing", ["999999"]),
    ("2^63", [HUGE]),
    ("40 digits", [HUGER]),
    ("negative", ["-1"]),
    ("empty", [""]),
    ("NUL", [NUL]),
    ("script", [SCRIPT]),
    ("float", ["7.5"]),
    ("good and bad", ["7", "abc"]),
    ("nothing", []),
]
CHOICE_CASES = [
    Case(
        f"decision add {name}",
        "sekreterare",
        "/decisions/<id:pk>/add/",
        "allocations",
        tuple(values),
        _add(values),
        "Välj minst",
    )
    for name, values in ADD_VALUES
]

ARCHIVE_YEARS = [
    ("empty", ""),
    ("negative", "-1"),
    ("2^63", HUGE),
    ("40 digits", HUGER),
    ("float", "1.5"),
    ("NUL", NUL),
    ("zero", "0"),
    ("a year not a pk", "2024"),
    ("SQL", "1 OR 1=1"),
]
CHOICE_CASES += [
    Case(
        f"archive year {name}",
        "sekreterare",
        "/archive/",
        "budget_year",
        value,
        (lambda v: lambda c: ("/archive/", {"budget_year": v}))(value),
        {"": "måste fyllas i", NUL: "Null"}.get(value, "giltigt"),
    )
    for name, value in ARCHIVE_YEARS
]

CASES = new_only(
    [*AMOUNT_CASES, *DATE_CASES, *INTEGER_CASES, *CHOICE_CASES], besides=test_original.CASES
)


@pytest.mark.parametrize("case", as_params(CASES))
def test_typed_field(client: Client, case: Case) -> None:
    post_case(client, case)


# --------------------------------------------------------------------------- live totals

TOTALS = "/budget/<year:year>/<slug:slug>/allocations/totals/"
TOTALS_VALUES = [v for values in AMOUNTS.values() for v in values]


@pytest.mark.parametrize(("name", "value"), TOTALS_VALUES, ids=[n for n, _ in TOTALS_VALUES])
def test_live_totals_count_what_cannot_be_read(client: Client, name: str, value: str) -> None:
    """The htmx totals box never saves; what it cannot read it counts and says so."""
    from tests.bad_input.common import snapshot

    enter(client, "handlaggare")
    data = {**specs.editor_data(client), specs.matgille_amount(): value}
    before = snapshot()
    response = client.post(
        TOTALS.replace("<year:year>/<slug:slug>", "2025/grundfinansiering"), data
    )
    assert response.status_code == 200
    assert "1 belopp kunde inte läsas" in text(response)
    assert snapshot() == before


TOTALS_KEYS = [(TOTALS, "amount_<partner>", repr(v)) for _, v in TOTALS_VALUES]
