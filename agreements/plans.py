"""Payment plans and reporting requirements as a draft states them, and the rules a plan must
keep (design §3 invariant 1: whole kronor, adding up exactly to the agreement amount)."""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.money import ZERO, format_amount, is_whole_kronor, split_evenly


@dataclass(frozen=True)
class PlannedInstalment:
    due_date: date
    amount: Decimal
    # Paid only after this report is approved: its number (1, 2, …) among the agreement's
    # reporting requirements in date order, as the drafting page lists them.
    after_report: int | None = None


@dataclass(frozen=True)
class PlannedReport:
    description: str
    due_date: date


@dataclass(frozen=True)
class PlannedIndicator:
    """A key figure the partner will report: name, unit, and a target where there is one."""

    name: str
    unit: str
    target: Decimal | None = None


def even_payment_plan(amount: Decimal, due_dates: Sequence[date]) -> list[PlannedInstalment]:
    """The default plan: whole kronor, as even as possible, adding up exactly."""
    parts = split_evenly(amount, len(due_dates))
    return [PlannedInstalment(due_date=d, amount=a) for d, a in zip(due_dates, parts, strict=True)]


def default_instalment_dates(period_start: date) -> list[date]:
    """Two payments: at the end of the period's first month and of its seventh month."""
    dates = []
    for offset in (0, 6):
        month_index = period_start.month - 1 + offset
        year, month = period_start.year + month_index // 12, month_index % 12 + 1
        dates.append(date(year, month, calendar.monthrange(year, month)[1]))
    return dates


class Terms(Protocol):
    """What a plan is checked against: an agreement, or an amendment's new version."""

    period_start: date
    period_end: date
    amount: Decimal


def latest_instalment_date(agreement: Terms, instalment: PlannedInstalment) -> date:
    """The last day an instalment may be dated. Within the period's last year; one waiting for
    an approved report may come up to a year after the period, since the final report comes
    after the period ends (issue 19: the final payment waits for the final report)."""
    if instalment.after_report is not None:
        return _year_end(agreement.period_end.year + 1)
    return _year_end(agreement.period_end.year)


def _year_end(year: int) -> date:
    return date(min(year, date.max.year), 12, 31)  # a period ending in 9999 has no year after


def check_instalment_date(agreement: Terms, instalment: PlannedInstalment) -> None:
    # Paid ahead, as early as the year before the period (never before year 1).
    earliest = date(max(agreement.period_start.year - 1, date.min.year), 1, 1)
    latest = latest_instalment_date(agreement, instalment)
    if earliest <= instalment.due_date <= latest:
        return
    if instalment.due_date < earliest:
        message = _(
            "Utbetalningen den %(date)s ligger utanför överenskommelseperioden; den kan ligga "
            "tidigast %(earliest)s."
        )
    elif instalment.after_report is None:
        message = _(
            "Utbetalningen den %(date)s ligger utanför överenskommelseperioden. Bara en "
            "utbetalning som väntar på en godkänd återrapport får ligga efter perioden, "
            "senast %(after_report)s."
        )
    else:
        message = _(
            "Utbetalningen den %(date)s ligger utanför överenskommelseperioden; den kan ligga "
            "senast %(latest)s."
        )
    # Dates as the pages show them ("31 december 2024"), not ISO (issue 19).
    values = {
        "date": date_format(instalment.due_date),
        "earliest": date_format(earliest),
        "latest": date_format(latest),
        "after_report": date_format(_year_end(agreement.period_end.year + 1)),
    }
    raise ValidationError({"instalments": message % values})


def check_plan(
    agreement: Terms, plan: Sequence[PlannedInstalment], *, carried: Decimal = ZERO
) -> None:
    """`carried`: what earlier versions already released or paid (an amendment's plan covers
    the rest; it may then be empty when everything is paid)."""
    if not plan and not carried:
        raise ValidationError({"instalments": _("Betalningsplanen behöver minst en utbetalning.")})
    for item in plan:
        if not isinstance(item.amount, Decimal):
            raise TypeError("instalment amounts are Decimal")
        if item.amount < 0 or not is_whole_kronor(item.amount):
            raise ValidationError(
                {"instalments": _("Varje utbetalning är ett helt antal kronor, minst 0 kr.")}
            )
        check_instalment_date(agreement, item)
    total = carried + sum((item.amount for item in plan), ZERO)
    if carried and total != agreement.amount:
        raise ValidationError(
            {
                "instalments": _(
                    "Utbetalningarna blir %(total)s, varav %(carried)s redan är attesterat eller "
                    "utbetalt, men den nya versionen gäller %(amount)s; de ska summera exakt."
                )
                % {
                    "total": format_amount(total),
                    "carried": format_amount(carried),
                    "amount": format_amount(agreement.amount),
                }
            }
        )
    if total != agreement.amount:
        raise ValidationError(
            {
                "instalments": _(
                    "Utbetalningarna blir %(total)s men överenskommelsen gäller %(amount)s; "
                    "de ska summera exakt."
                )
                % {"total": format_amount(total), "amount": format_amount(agreement.amount)}
            }
        )
