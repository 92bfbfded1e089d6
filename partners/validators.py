"""Swedish organisation numbers (organisationsnummer).

Format NNNNNN-NNNN; the tenth digit is a Luhn check digit over the first nine; the third digit
is at least 2, which tells a legal entity's number from a person's (Skatteverket, SKV 709).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FORMAT = re.compile(r"^\d{6}-\d{4}$", re.ASCII)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalise_organisation_number(value: str) -> str:
    """Accept `2321000115` or `232100-0115` (with stray spaces) and return `232100-0115`."""
    compact = re.sub(r"[\s\u00a0]", "", value or "")
    if re.fullmatch(r"[0-9]{10}", compact):
        return f"{compact[:6]}-{compact[6:]}"
    return compact


def validate_organisation_number(value: str) -> None:
    if not _FORMAT.match(value):
        raise ValidationError(
            _("Ange organisationsnumret som tio siffror, NNNNNN-NNNN (t.ex. 232100-0115)."),
            code="format",
        )
    digits = value.replace("-", "")
    if int(digits[2]) < 2:
        raise ValidationError(
            _("Den tredje siffran i ett organisationsnummer är minst 2."), code="third_digit"
        )
    if not luhn_ok(digits):
        raise ValidationError(
            _("Kontrollsiffran stämmer inte. Kontrollera organisationsnumret."), code="luhn"
        )


# Payment details: bankgiro and plusgiro numbers (Bankgirot; PlusGirot, Nordea). Both end in a
# mod-10 (Luhn) check digit over the whole number. A bankgiro number has 7 or 8 digits, shown as
# NNN-NNNN or NNNN-NNNN; a plusgiro number has 2 to 8, shown with the check digit after a hyphen
# (NNNNNN-N).
GIRO_LENGTHS = {"bankgiro": (7, 8), "plusgiro": (2, 8)}


def normalise_giro_number(value: str) -> str:
    """The digits of a giro number as people write it (`5050-1055`, `12 34 56-7`)."""
    return re.sub(r"[\s\u00a0-]", "", value or "")


def validate_giro_number(method: str, digits: str) -> None:
    shortest, longest = GIRO_LENGTHS[method]
    name = _("Bankgironumret") if method == "bankgiro" else _("Plusgironumret")
    if not re.fullmatch(r"[0-9]+", digits, re.ASCII) or not shortest <= len(digits) <= longest:
        raise ValidationError(
            _("%(name)s ska ha %(shortest)s–%(longest)s siffror.")
            % {"name": name, "shortest": shortest, "longest": longest},
            code="format",
        )
    if not luhn_ok(digits):
        raise ValidationError(
            _("Kontrollsiffran stämmer inte. Kontrollera %(name)s.") % {"name": name.lower()},
            code="luhn",
        )


def format_giro_number(method: str, digits: str) -> str:
    if not digits:
        return ""
    if method == "bankgiro":
        return f"{digits[:-4]}-{digits[-4:]}"
    return f"{digits[:-1]}-{digits[-1]}"
