"""Template filters for money and percentages, loaded as builtins (see settings.TEMPLATES)."""

from decimal import Decimal

from django import template
from django.utils import translation

from core.money import format_amount, round_half_up

register = template.Library()


@register.filter
def kr(value: Decimal | int | None) -> str:
    """`{{ amount|kr }}` → `11 900 000 kr`."""
    return format_amount(value)


@register.filter
def percent(value: Decimal | None) -> str:
    """`{{ share|percent }}` for a fraction: Decimal("0.3051") → `30,5 %`."""
    if value is None:
        return ""
    rounded = round_half_up(Decimal(value) * 100, Decimal("0.1"))
    if (translation.get_language() or "sv").startswith("en"):
        return f"{rounded}%"  # English writes no space before the sign
    return f"{str(rounded).replace('.', ',')}\u00a0%"
