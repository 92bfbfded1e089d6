"""Queueing and sending notices (design §4 workflow 11).

`queue_notices` is called by a service inside its transaction: it renders one notice per
recipient in that recipient's language and, when the transaction commits, hands their ids to
the background task, which sends each at most once (notices.sending).
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.session_cache import forget_user
from notices.models import (
    ALWAYS_SENT,
    SECRET_LINK_KINDS,
    SECRET_LINK_PLACEHOLDER,
    Notice,
    NoticeKind,
    NoticeOptOut,
)
from notices.sending import site_link
from notices.tasks import deliver_notices

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
        "language": translation.get_language(),
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
    deliver_notices.enqueue(ids)


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
    forget_user(user.pk)  # update() sends no signal: the session's cached user (issue 18)
    user.language = language
