import pytest
from django.core.exceptions import ValidationError

from partners.validators import (
    luhn_ok,
    normalise_organisation_number,
    validate_organisation_number,
)


def test_region_hallands_number_is_valid() -> None:
    validate_organisation_number("232100-0115")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("232100-0116", "luhn"),  # wrong check digit
        ("232100-0125", "luhn"),
        ("2321000115", "format"),  # services normalise first; the validator wants the dash
        ("232100 0115", "format"),
        ("23210-00115", "format"),
        ("800101-1234", "third_digit"),  # a person's number, not an organisation's
        ("", "format"),
        ("abcdef-ghij", "format"),
    ],
)
def test_invalid_numbers(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_organisation_number(value)
    assert info.value.code == code


def test_normalise() -> None:
    assert normalise_organisation_number(" 2321000115 ") == "232100-0115"
    assert normalise_organisation_number("232100-0115") == "232100-0115"


def test_luhn() -> None:
    assert luhn_ok("2321000115")
    assert not luhn_ok("2321000116")
