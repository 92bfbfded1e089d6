"""When each step of the demo's story happened (all Exempeldata except the decision's date).

The loader records every step inside `audit.services.dated(...)` with these times, so the
history, an agreement's timeline and its signature list tell the same story, whenever the demo
is loaded. Times are UTC; pages show them in Swedish time.
"""

from datetime import UTC, date, datetime, time


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


PARTNERS_REGISTERED = at(date(2023, 9, 4))
BUDGET_2024_PREPARED = at(date(2023, 10, 2))
DECISION_RECORDED = at(date(2023, 10, 17))
DECIDED = at(date(2023, 10, 24), 12)  # the committee's meeting (public)
AGREEMENTS_DRAFTED = at(date(2023, 11, 20))
AGREEMENTS_SENT = at(date(2023, 12, 1))
PARTNER_SIGNED = at(date(2023, 12, 12), 10)
REGION_SIGNED = at(date(2023, 12, 15), 14)
AMENDMENTS_PROPOSED = at(date(2024, 9, 2))
AMENDING_DECISION_RECORDED = at(date(2024, 9, 10))
DRAFT_FOLLOWS_AMENDMENT = at(date(2024, 9, 18))
AMENDMENT_DRAFTED = at(date(2024, 9, 19))
AMENDMENT_SENT = at(date(2024, 9, 20))
BUDGET_2025_PREPARED = at(date(2024, 10, 15))
COMPLETED = at(date(2025, 4, 3))  # the day after TEK Kompetens's final report was approved


def approved(day: date) -> datetime:
    """A decision's minutes approved (justerat) on `day`, at noon."""
    return at(day, 12)
