"""Background tasks that send notices (run by `manage.py db_worker` in production)."""

from django.tasks import task

from notices.sending import send_due_notices, send_notice


@task()
def deliver_notices(notice_ids: list[int]) -> int:
    """Send the notices a committed change queued. Returns how many went out."""
    return sum(1 for pk in notice_ids if send_notice(pk))


@task()
def deliver_due_notices() -> int:
    return send_due_notices().sent
