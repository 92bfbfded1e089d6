from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.money import (
    format_amount,
    format_input,
    parse_amount,
    round_half_up,
    split_by_weights,
    split_evenly,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("3 000 000", Decimal("3000000")),
        ("3000000", Decimal("3000000")),
        ("3 000 000,00", Decimal("3000000")),
        ("3000000.00", Decimal("3000000")),
        ("3\u00a0000\u00a0000", Decimal("3000000")),
        ("3\u202f000\u202f000 kr", Decimal("3000000")),
        ("  1 200 000  ", Decimal("1200000")),
        ("0", Decimal("0")),
        ("999", Decimal("999")),
    ],
)
def test_parse_accepts_what_swedish_users_type(typed: str, expected: Decimal) -> None:
    assert parse_amount(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("3,5 mnkr", "invalid"),
        ("-1", "negative"),
        ("−1", "negative"),
        ("1e6", "invalid"),
        ("3 000 000,50", "ore"),
        ("3000000.5", "ore"),
        ("3.000.000", "invalid"),
        ("3,000,000", "invalid"),
        ("30 00", "invalid"),
        ("", "required"),
        ("   ", "required"),
        ("abc", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("1" * 14, "too_large"),
        ("3 000 000,001", "invalid"),
        ("٣٠٠", "invalid"),  # Arabic-Indic digits are not what the field expects
    ],
)
def test_parse_refuses_with_a_message(typed: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_amount(typed)
    assert info.value.code == code
    assert info.value.messages[0]  # a message to show next to the field


def test_parse_keeps_ore_when_allowed() -> None:
    assert parse_amount("12,5", whole_kronor=False) == Decimal("12.50")


def test_round_half_up() -> None:
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("3.5")) == 4  # not banker's rounding
    assert round_half_up(Decimal("0.125"), Decimal("0.01")) == Decimal("0.13")


def test_split_evenly_largest_remainder() -> None:
    assert split_evenly(Decimal("100"), 3) == [34, 33, 33]
    assert split_evenly(Decimal("1200000"), 2) == [600000, 600000]


def test_split_refuses_ore_and_bad_counts() -> None:
    with pytest.raises(ValueError, match="whole"):
        split_evenly(Decimal("10.5"), 2)
    with pytest.raises(ValueError, match="count"):
        split_evenly(Decimal("10"), 0)


@given(
    total=st.integers(min_value=0, max_value=10**12).map(Decimal),
    weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=24).filter(
        lambda w: sum(w) > 0
    ),
)
def test_split_by_weights_is_exact_and_fair(total: Decimal, weights: list[int]) -> None:
    parts = split_by_weights(total, weights)
    assert sum(parts) == total
    assert all(p == p.to_integral_value() and p >= 0 for p in parts)
    for part, weight in zip(parts, weights, strict=True):
        exact = total * weight / sum(weights)
        assert abs(part - exact) < 1  # never more than one krona from the exact share


@given(total=st.integers(min_value=0, max_value=10**13), count=st.integers(1, 48))
def test_split_evenly_differs_by_at_most_one(total: int, count: int) -> None:
    parts = split_evenly(Decimal(total), count)
    assert sum(parts) == total
    assert max(parts) - min(parts) <= 1


@given(st.integers(min_value=0, max_value=10**13 - 1))
def test_format_input_round_trips_through_parse(value: int) -> None:
    assert parse_amount(format_input(Decimal(value))) == value


def test_format_amount_swedish_and_english() -> None:
    with translation.override("sv"):
        assert format_amount(Decimal("11900000")) == "11\u00a0900\u00a0000\u00a0kr"
        assert format_amount(Decimal("12.5")) == "12,50\u00a0kr"
        assert format_amount(Decimal("-100")) == "−100\u00a0kr"
    with translation.override("en"):
        assert format_amount(Decimal("11900000")) == "SEK\u00a011,900,000"
    assert format_amount(None) == ""
