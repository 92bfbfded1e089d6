"""Queueing and sending notices (design §4 workflow 11).

`queue_notices` is called by a service inside its transaction: it renders one notice per
recipient in that recipient's language and, when the transaction commits, hands their ids to
the background task. `send_notice` claims one queued notice with a conditional update committed
on its own, so whoever loses the race (a retried task, a second worker, the periodic sweep) sends
nothing; then it talks to the mail server and records the outcome. If the server is unreachable
the notice goes back to the queue with a longer wait each time (`retry_delay`) and the periodic
sweep (`send_due_notices`, `manage.py send_notices`) tries again.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.tokens import one_time_path
from notices.models import (
    ALWAYS_SENT,
    SECRET_LINK_KINDS,
    SECRET_LINK_PLACEHOLDER,
    Notice,
    NoticeKind,
    NoticeOptOut,
    NoticeStatus,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What one notice says, in the language active when it is built.

    `link_path` is a path on this site (the page to act on); the sender's SITE_URL is put in
    front. Kinds whose link carries a one-time token leave it empty: the link is made when the
    e-mail is sent and never stored.
    """

    subject: str
    paragraphs: Sequence[str]
    link_label: str
    link_path: str = ""
    # Extra lines shown under the link (e.g. a due date), already in the right language.
    facts: Sequence[tuple[str, str]] = field(default_factory=tuple)


def site_link(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def wants(user: User, kind: NoticeKind) -> bool:
    if kind in ALWAYS_SENT:
        return True
    return not NoticeOptOut.objects.filter(user=user, kind=kind).exists()


def _recipients(users: Iterable[User], kind: NoticeKind) -> list[User]:
    """Active users with an address who have not turned this kind off, each once."""
    unique = {user.pk: user for user in users if user.is_active and user.email}
    if kind not in ALWAYS_SENT and unique:
        muted = set(
            NoticeOptOut.objects.filter(user__in=list(unique), kind=kind).values_list(
                "user_id", flat=True
            )
        )
        unique = {pk: user for pk, user in unique.items() if pk not in muted}
    return sorted(unique.values(), key=lambda user: user.pk)


def _render(kind: NoticeKind, user: User, message: Message) -> tuple[str, str]:
    link = SECRET_LINK_PLACEHOLDER if kind in SECRET_LINK_KINDS else site_link(message.link_path)
    context = {
        "message": message,
        "link": link,
        "recipient": user,
        "can_turn_off": kind not in ALWAYS_SENT,
        "settings_link": site_link(reverse("notice_settings")),
        "region_name": settings.REGION_NAME,
        "kind_label": NoticeKind(kind).label,
    }
    text = render_to_string("notices/email/message.txt", context)
    html = render_to_string("notices/email/message.html", context)
    return text, html


def queue_notices(
    kind: NoticeKind,
    recipients: Iterable[User],
    *,
    about: models.Model | None,
    build: Callable[[User], Message],
    once_key: str = "",
) -> list[Notice]:
    """Queue one notice per recipient; call inside the transaction of the change it reports.

    `build` is called with each recipient while their language is active. With `once_key`,
    a recipient gets at most one notice for that key, however often this is called.
    """
    kind = NoticeKind(kind)
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    queued: list[Notice] = []
    for user in _recipients(recipients, kind):
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            message = build(user)
            text, html = _render(kind, user, message)
        notice = Notice(
            kind=kind,
            recipient=user,
            to_address=user.email,
            language=language,
            about_type=about_type,
            about_id=str(about.pk) if about is not None else "",
            about_repr=str(about)[:255] if about is not None else "",
            subject=str(message.subject)[:255],
            body_text=text,
            body_html=html,
            once_key=f"{once_key}:{user.pk}" if once_key else None,
        )
        if once_key:
            try:
                with transaction.atomic():  # a savepoint: the caller's transaction goes on
                    notice.save()
            except IntegrityError:
                continue  # this recipient already has it
        else:
            notice.save()
        queued.append(notice)
    if queued:
        ids = [notice.pk for notice in queued]
        transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return queued


def _enqueue(ids: list[int]) -> None:
    from notices.tasks import deliver_notices

    deliver_notices.enqueue(ids)


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
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    if why_not := _still_for(notice):
        Notice.objects.filter(pk=notice.pk).update(
            status=NoticeStatus.CANCELLED, last_error=why_not
        )
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
    return bool(
        Notice.objects.filter(
            pk=notice.pk, status__in=[NoticeStatus.FAILED, NoticeStatus.SENDING]
        ).update(
            status=NoticeStatus.QUEUED,
            claimed_at=None,
            next_attempt_at=timezone.now(),
            attempts=0,
        )
    )


@transaction.atomic
def set_opt_outs(*, user: User, turned_off: Iterable[str]) -> None:
    """Which kinds of notice this user does not want (never the ones always sent)."""
    wanted_off = {NoticeKind(kind) for kind in turned_off} - ALWAYS_SENT
    NoticeOptOut.objects.filter(user=user).exclude(kind__in=wanted_off).delete()
    existing = set(NoticeOptOut.objects.filter(user=user).values_list("kind", flat=True))
    NoticeOptOut.objects.bulk_create(
        NoticeOptOut(user=user, kind=kind) for kind in sorted(wanted_off - existing)
    )


def set_language(*, user: User, language: str) -> None:
    """The language of the e-mail this user gets from now on."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
