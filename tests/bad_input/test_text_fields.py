"""The hostile-value matrix over every free-text field of every form (issue 13).

Each text field gets: empty and whitespace-only values when it is required, one character over
its maximum (in ASCII, in two-byte and in four-byte characters), NUL, other control characters
(core.validators refuses them in every free-text field), and line breaks where the field is one
line. Each group of values has its own expected message. Values a text field rightly accepts
(script, odd Unicode, SQL, formulas) are in test_accepted.py.
"""

from typing import Any

import pytest
from django.test import Client

from tests.bad_input import specs, test_original
from tests.bad_input.common import (
    CONTROLS,
    EMPTIES,
    LINE_BREAKS,
    NULS,
    Case,
    as_params,
    new_only,
    overlong,
    post_case,
)

pytestmark = pytest.mark.django_db

REQUIRED = "måste fyllas i"
NULL = "Null"
CONTROL = "styrtecken"


def _with(form: specs.Form, field: str, value: Any) -> Any:
    def build(client: Client) -> tuple[str, dict[str, Any]]:
        url, data = form.base(client)
        return url, {**data, field: value}

    return build


def text_cases(
    form: specs.Form,
    fields: list[specs.TextField],
    *,
    messages: dict[str, str] | None = None,
) -> list[Case]:
    """The matrix for `fields` of `form`; `messages` overrides a group's expected message."""
    messages = messages or {}
    cases = []
    for f in fields:
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if f.required:
            groups.append((REQUIRED, EMPTIES))
        if f.max_length is not None:
            groups.append((f"som mest {f.max_length}", overlong(f.max_length)))
        groups.append((NULL, NULS))
        groups.append((CONTROL, CONTROLS))
        if not f.multiline:
            groups.append((CONTROL, LINE_BREAKS))
        for message, values in groups:
            for name, value in values:
                expected = messages.get(message, message)
                cases.append(
                    Case(
                        id=f"{form.name} {f.label} {name}",
                        username=form.username,
                        pattern=form.pattern,
                        field=f.name,
                        value=value,
                        build=_with(form, f.name, value),
                        message=expected,
                    )
                )
    return cases


CASES: list[Case] = new_only(
    [
        *text_cases(specs.DECISION_NEW, specs.DECISION_FIELDS),
        *text_cases(specs.DECISION_EDIT, specs.DECISION_FIELDS),
        *text_cases(specs.DECISION_APPROVE, specs.APPROVE_FIELDS),
        *text_cases(specs.AGREEMENT_NEW, specs.TERMS_FIELDS),
        *text_cases(specs.AGREEMENT_EDIT, specs.TERMS_FIELDS),
        *text_cases(
            specs.AGREEMENT_EDIT,
            [specs.TextField("reports-0-description", "report description", 500, required=False)],
        ),
        *text_cases(specs.AGREEMENT_SIGN, specs.SIGN_FIELDS),
        *text_cases(
            specs.AGREEMENT_TERMINATE,
            [specs.TextField("reason", "reason", 2000, multiline=True)],
            messages={REQUIRED: "Ange skälet"},
        ),
        *text_cases(
            specs.AGREEMENT_DISCARD,
            [specs.TextField("reason", "reason", 2000, multiline=True)],
            messages={REQUIRED: "Ange skälet"},
        ),
        *text_cases(
            specs.ALLOCATIONS,
            [specs.TextField("reason", "reason", 1000, required=False, multiline=True)],
        ),
        *text_cases(specs.PARTNER_ADMIN, specs.PARTNER_FIELDS_TEXT),
    ],
    besides=test_original.CASES,
)


@pytest.mark.parametrize("case", as_params(CASES))
def test_text_field(client: Client, case: Case) -> None:
    post_case(client, case)
