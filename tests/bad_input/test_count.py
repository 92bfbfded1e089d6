"""How many distinct bad inputs the catalogue tries (issue 13: at least 400).

An input is a (URL pattern, field, value) triple: the same value in the same field of the same
form counts once, however many roles or tests use it. Accepted odd input (test_accepted.py) is
counted apart: it is not refused, so it is not in the 400.
"""

from tests.bad_input import (
    test_accepted,
    test_accounts,
    test_admin_and_uploads,
    test_api,
    test_follow_up,
    test_original,
    test_paths,
    test_query,
    test_text_fields,
    test_typed_fields,
)

FORM_CASES = [
    *test_original.CASES,
    *test_text_fields.CASES,
    *test_typed_fields.CASES,
    *test_accounts.CASES,
    *test_admin_and_uploads.CASES,
    *test_follow_up.CASES,
    *test_follow_up.GIRO_CASES,
]
OTHER_KEYS = {
    "forms (other checks)": [
        *test_typed_fields.TOTALS_KEYS,
        *test_accounts.SETLANG_KEYS,
        *test_accounts.COOKIE_KEYS,
        *test_admin_and_uploads.RESULT_KEYS,
        *test_admin_and_uploads.LIMIT_KEYS,
    ],
    "URLs and query parameters": [
        *test_paths.PATH_KEYS,
        *test_paths.FOREIGN_KEYS,
        *test_paths.ADMIN_KEYS,
        *test_query.QUERY_KEYS,
        *test_query.HISTORY_KEYS,
        *test_query.LIST_KEYS,
        *test_query.NEXT_KEYS,
        *test_query.ADMIN_QUERY_KEYS,
    ],
    "API": [*test_api.PATH_KEYS, *test_api.QUERY_KEYS, *test_api.HEADER_KEYS],
}


def distinct_inputs() -> dict[str, set[tuple[str, str, str]]]:
    groups = {"forms": {c.key for c in FORM_CASES}}
    groups.update({name: set(keys) for name, keys in OTHER_KEYS.items()})
    return groups


def test_no_form_case_is_tried_twice() -> None:
    keys = [c.key for c in FORM_CASES]
    twice = {k for k in keys if keys.count(k) > 1}
    assert not twice


def test_every_case_has_its_own_id() -> None:
    ids = [c.id for c in FORM_CASES]
    assert len(ids) == len(set(ids))


def test_catalogue_has_at_least_400_cases() -> None:
    groups = distinct_inputs()
    everything = set().union(*groups.values())
    sizes = {name: len(keys) for name, keys in groups.items()}
    assert len(everything) >= 400, sizes
    accepted = set(test_accepted.ACCEPTED_KEYS)
    assert not accepted & everything  # what is accepted is not also counted as refused
