"""Sending one queued notice, at most once (notices.services queues them).

`send_notice` claims the row with a conditional update committed on its own (queued →
sending), so whoever loses the race (a retried task, a second worker, the periodic sweep) sends
nothing; then it talks to the mail server and records the outcome. If the server does not take
the message the notice goes back to the queue with a longer wait each time (`retry_delay`) and
the periodic sweep (`send_due_notices`: `manage.py send_notices`, `run_periodic`) tries again.
A row left `sending` by a sender that died is never sent again by the system: staff decide.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import one_time_path
from notices.models import (
    ALWAYS_SENT,
    SECRET_LINK_KINDS,
    SECRET_LINK_PLACEHOLDER,
    Notice,
    NoticeStatus,
)
from notices.selectors import forget_notices

logger = logging.getLogger(__name__)


def site_link(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failed attempt, at most NOTICE_MAX_RETRY_DELAY."""
    seconds = 60 * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTICE_MAX_RETRY_SECONDS))


def email_for(notice: Notice) -> EmailMultiAlternatives:
    text, html = notice.body_text, notice.body_html
    if notice.kind in SECRET_LINK_KINDS:
        link = site_link(one_time_path(notice.kind, notice.recipient))
        text, html = (
            text.replace(SECRET_LINK_PLACEHOLDER, link),
            html.replace(SECRET_LINK_PLACEHOLDER, link),
        )
    headers = {"Message-ID": notice.message_id, "Auto-Submitted": "auto-generated"}
    if notice.kind not in ALWAYS_SENT:
        headers["List-Unsubscribe"] = f"<{site_link(reverse('notice_settings'))}>"
    email = EmailMultiAlternatives(
        subject=notice.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.to_address],
        reply_to=settings.NOTICE_REPLY_TO or None,
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    return email


def _still_for(notice: Notice) -> str:
    """Why the notice must not go out any more, or "" when it may."""
    user = notice.recipient
    if not user.is_active:
        return "mottagaren är inte längre aktiv"
    if user.email.strip().lower() != notice.to_address.strip().lower():
        return "mottagarens e-postadress har ändrats"
    return ""


def send_notice(notice_id: int, *, now: datetime | None = None) -> bool:
    """Send one queued notice if it is due and nobody else has claimed it. True when sent.

    `now` is when the sender runs (default: now); the periodic sweep passes its own clock.
    """
    if transaction.get_connection().in_atomic_block:
        raise RuntimeError("send_notice must run outside a transaction: the claim must commit.")
    now = now or timezone.now()
    claimed = Notice.objects.filter(
        pk=notice_id, status=NoticeStatus.QUEUED, next_attempt_at__lte=now
    ).update(status=NoticeStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    forget_notices()
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    if why_not := _still_for(notice):
        Notice.objects.filter(pk=notice.pk).update(
            status=NoticeStatus.CANCELLED, last_error=why_not
        )
        forget_notices()
        return False
    try:
        email_for(notice).send(fail_silently=False)
    except (SMTPException, OSError) as exc:
        failed = notice.attempts >= settings.NOTICE_MAX_ATTEMPTS
        Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
            status=NoticeStatus.FAILED if failed else NoticeStatus.QUEUED,
            claimed_at=None,
            next_attempt_at=now + retry_delay(notice.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        forget_notices()
        logger.warning(
            "notice %s not sent (attempt %s): %s",
            notice.pk,
            notice.attempts,
            type(exc).__name__,
            extra={"notice": notice.pk, "kind": notice.kind},
        )
        return False
    Notice.objects.filter(pk=notice.pk, status=NoticeStatus.SENDING).update(
        status=NoticeStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    forget_notices()
    logger.info("notice %s sent", notice.pk, extra={"notice": notice.pk, "kind": notice.kind})
    return True


@dataclass(frozen=True)
class SendResult:
    sent: int
    not_sent: int


def send_due_notices(*, limit: int = 500, now: datetime | None = None) -> SendResult:
    """Send every queued notice whose time has come (the periodic sweep)."""
    now = now or timezone.now()
    ids = list(
        Notice.objects.filter(status=NoticeStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for pk in ids if send_notice(pk, now=now))
    return SendResult(sent=sent, not_sent=len(ids) - sent)


@transaction.atomic
def requeue(notice: Notice) -> bool:
    """Put a failed notice, or one whose sender stopped mid-way, back in the queue (staff)."""
    requeued = Notice.objects.filter(
        pk=notice.pk, status__in=[NoticeStatus.FAILED, NoticeStatus.SENDING]
    ).update(
        status=NoticeStatus.QUEUED, claimed_at=None, next_attempt_at=timezone.now(), attempts=0
    )
    forget_notices()
    return bool(requeued)
