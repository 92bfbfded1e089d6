"""Money, in one place: parsing what Swedish users type, rounding, splitting, display.

Amounts are `Decimal` kronor, never float. Agreement amounts, instalments, allocations, ceilings
and source amounts are whole kronor (design §3, invariant 1). Rounding is half-up, and only here.
"""

import re
from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

KRONA = Decimal("1")
ORE = Decimal("0.01")
ZERO = Decimal("0")

# Largest amount we accept anywhere: 13 digits of kronor (the database column holds 15).
MAX_INTEGER_DIGITS = 13

# Whole kronor, optionally grouped by thousands with a space (as Swedes write 3 000 000), then
# optionally a decimal comma or point with one or two öre digits, then optionally "kr".
_AMOUNT = re.compile(
    r"""^
    (?P<int>\d{1,3}(?:\ \d{3})+|\d+)
    (?:[.,](?P<frac>\d{1,2}))?
    (?:\ ?kr)?
    $""",
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
# Spaces people type or paste as thousands separators: space, no-break space, narrow no-break
# space, thin space.
_SPACES = re.compile(r"[\u0020\u00a0\u202f\u2009]+")

EXPECTED = "3 000 000"


def round_half_up(value: Decimal, exponent: Decimal = KRONA) -> Decimal:
    """Round to `exponent` (whole kronor by default), halves away from zero."""
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def is_whole_kronor(value: Decimal) -> bool:
    return value == value.to_integral_value()


def parse_amount(text: str, *, whole_kronor: bool = True) -> Decimal:
    """Parse an amount as typed by a Swedish user; raise ValidationError saying what is expected.

    Accepted: "3 000 000", "3000000", "3 000 000,00", "3000000.00", "3 000 000 kr".
    Refused: negative numbers, exponents ("1e6"), units ("3,5 mnkr"), ambiguous grouping
    ("3.000.000", "3,000,000"), and öre when whole kronor are required.
    """
    cleaned = _SPACES.sub(" ", str(text)).strip()
    if not cleaned:
        raise ValidationError(
            _("Ange ett belopp i kronor, till exempel %s.") % EXPECTED, "required"
        )
    if cleaned.startswith(("-", "−", "\u2212")):
        raise ValidationError(_("Beloppet får inte vara negativt."), code="negative")
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise ValidationError(
            _("Ange beloppet i kronor med siffror, till exempel %s (utan enhet som mnkr).")
            % EXPECTED,
            code="invalid",
        )
    integer = match["int"].replace(" ", "")
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValidationError(_("Beloppet är orimligt stort."), code="too_large")
    try:
        value = Decimal(integer + "." + (match["frac"] or "0"))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise ValidationError(_("Ogiltigt belopp."), code="invalid") from exc
    if whole_kronor and not is_whole_kronor(value):
        raise ValidationError(
            _("Ange beloppet i hela kronor, utan öre (till exempel %s).") % EXPECTED,
            code="ore",
        )
    return value.quantize(KRONA) if whole_kronor else value.quantize(ORE)


def split_by_weights(total: Decimal, weights: Sequence[int | Decimal]) -> list[Decimal]:
    """Split whole kronor `total` in proportion to `weights`, exactly (largest remainder).

    Each part is a whole krona; the parts add up to `total`. Ties in the remainders go to the
    earlier part, so the result is stable.
    """
    if not is_whole_kronor(total) or total < 0:
        raise ValueError("total must be a non-negative whole number of kronor")
    if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    weight_sum = Decimal(sum(weights))
    exact = [total * Decimal(w) / weight_sum for w in weights]
    parts = [q.to_integral_value(rounding=ROUND_FLOOR) for q in exact]
    shortfall = int(total - sum(parts))
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:shortfall]:
        parts[i] += 1
    return parts


def split_evenly(total: Decimal, count: int) -> list[Decimal]:
    """Split whole kronor `total` into `count` instalments that differ by at most one krona."""
    if count < 1:
        raise ValueError("count must be at least 1")
    return split_by_weights(total, [1] * count)


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def format_amount(value: Decimal | int | None, *, with_unit: bool = True) -> str:
    """`11 900 000 kr` in Swedish (no-break spaces so it never wraps), `SEK 11,900,000` in English.

    Öre are shown only when there are any.
    """
    if value is None:
        return ""
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    value = abs(value)
    english = (translation.get_language() or "sv").startswith("en")
    if is_whole_kronor(value):
        integer, fraction = f"{value.quantize(KRONA):f}", ""
    else:
        integer, _dot, fraction = f"{round_half_up(value, ORE):f}".partition(".")
    if english:
        text = _group(integer, ",") + (f".{fraction}" if fraction else "")
        return f"{sign}SEK\u00a0{text}" if with_unit else f"{sign}{text}"
    text = _group(integer, "\u00a0") + (f",{fraction}" if fraction else "")
    return f"{sign}{text}\u00a0kr" if with_unit else f"{sign}{text}"


def format_input(value: Decimal | None) -> str:
    """An amount as it goes back into an input field: `3 000 000` (plain spaces, no unit)."""
    if value is None:
        return ""
    return _group(f"{Decimal(value).quantize(KRONA):f}", " ")


def amount_in_words(value: Decimal) -> str:
    """`11 900 000` → `elva miljoner niohundratusen kronor` (whole kronor, Swedish)."""
    from num2words import num2words

    kronor = int(round_half_up(Decimal(value)))
    words = num2words(kronor, lang="sv")
    return f"{words} {'krona' if kronor == 1 else 'kronor'}"
