"""Reminders of reports due in 30 and 7 days and of overdue reports: queued once, however
often the daily run comes, and also when two workers run it at once (issue 16, "Reminders")."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from agreements.reminders import queue_reminders
from notices.models import Notice, NoticeKind
from tests.helpers import at_once

FINAL_DUE = date(2025, 3, 31)  # the demo's final reports
HALF_YEAR_DUE = date(2024, 8, 31)


@pytest.fixture
def _clean(demo: None) -> None:
    Notice.objects.all().delete()


def queued(kind: NoticeKind) -> list[tuple[str, str]]:
    return sorted(Notice.objects.filter(kind=kind).values_list("about_repr", "recipient__username"))


@pytest.mark.django_db
@pytest.mark.usefixtures("_clean")
def test_each_window_reminds_once_and_only_undelivered_reports_of_signed_agreements() -> None:
    # A month before the final reports: Coompanion's (returned) and Matgille's (not written)
    # are due; TEK's agreement is completed, the others are not signed.
    first = queue_reminders(today=date(2025, 3, 1))
    assert first.queued == {NoticeKind.REPORT_DUE_30: 2}
    assert [u for _, u in queued(NoticeKind.REPORT_DUE_30)] == ["coompanion", "matgille"]
    assert queue_reminders(today=date(2025, 3, 1)).total == 0
    assert queue_reminders(today=date(2025, 3, 2)).total == 0  # the next day: still once

    assert queue_reminders(today=date(2025, 3, 24)).queued == {NoticeKind.REPORT_DUE_7: 2}
    assert queue_reminders(today=date(2025, 3, 31)).total == 0  # due today: the 7-day one

    overdue = queue_reminders(today=date(2025, 4, 1))
    assert overdue.queued == {NoticeKind.REPORT_OVERDUE: 2}
    assert queue_reminders(today=date(2025, 6, 1)).total == 0
    notice = Notice.objects.filter(kind=NoticeKind.REPORT_OVERDUE).first()
    assert notice is not None
    assert "försenad" in notice.subject
    assert "/reports/" in notice.body_text


@pytest.mark.django_db
@pytest.mark.usefixtures("_clean")
def test_a_missed_window_is_not_sent_late() -> None:
    """Started six days before the date: the 7-day reminder, not a late 30-day one."""
    assert queue_reminders(today=date(2025, 3, 25)).queued == {NoticeKind.REPORT_DUE_7: 2}
    assert queued(NoticeKind.REPORT_DUE_30) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("_clean")
def test_the_command_reports_what_it_queued() -> None:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue().startswith("Queued 2 reminders")  # today both final reports are late
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert out.getvalue() == "Queued 0 reminders.\n"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_clean")
def test_two_workers_running_the_reminders_at_once_queue_each_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections inserting the same reminders at once")
    totals = at_once(3, lambda: queue_reminders(today=date(2025, 4, 2)).total)
    assert sum(totals) == 2
    assert len(queued(NoticeKind.REPORT_OVERDUE)) == 2
