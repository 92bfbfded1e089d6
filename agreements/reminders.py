"""Reminders of reports that are due soon or overdue (issue 16; design §4 workflow 7).

Run daily (`manage.py send_reminders`, from a timer or `manage.py run_periodic`): a report due
in 30 days or less gets the 30-day reminder, in 7 days or less the 7-day one, past its date the
overdue one. Each is queued once per requirement, due date and partner user (a unique key in the
notices table), so running it twice a day, or on two workers at once, sends nothing twice; a
reminder whose window was missed (the system was off) is not sent late, only the next one.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from agreements import notices
from agreements.models import AgreementStatus, ReportingRequirement
from agreements.models.reports import REPORT_DELIVERED
from notices.models import NoticeKind

FIRST_REMINDER_DAYS = 30
SECOND_REMINDER_DAYS = 7


def reminder_kind(due: date, today: date) -> NoticeKind | None:
    days = (due - today).days
    if days < 0:
        return NoticeKind.REPORT_OVERDUE
    if days <= SECOND_REMINDER_DAYS:
        return NoticeKind.REPORT_DUE_7
    if days <= FIRST_REMINDER_DAYS:
        return NoticeKind.REPORT_DUE_30
    return None


@dataclass
class Reminders:
    queued: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.queued.values())


def queue_reminders(*, today: date) -> Reminders:
    """Queue every reminder that is due today and not yet queued."""
    result = Reminders()
    requirements = (
        ReportingRequirement.objects.filter(
            agreement__status=AgreementStatus.SIGNED,
            due_date__lte=today + timedelta(days=FIRST_REMINDER_DAYS),
        )
        .filter(Q(report__isnull=True) | ~Q(report__status__in=REPORT_DELIVERED))
        .select_related("agreement__partner")
        .order_by("due_date", "pk")
    )
    for requirement in requirements:
        kind = reminder_kind(requirement.due_date, today)
        if kind is None:
            continue
        with transaction.atomic():
            count = notices.report_reminder(requirement, kind, today=today)
        if count:
            result.queued[kind] = result.queued.get(kind, 0) + count
    return result
