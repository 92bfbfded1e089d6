"""Reading the one-time link out of a queued notice, as the e-mail the worker sends has it."""

import re
from urllib.parse import urlsplit

from notices.models import Notice, NoticeKind
from notices.sending import email_for

LINK = re.compile(r"https?://\S+?/accounts/(?:invitation|password/reset)/[^/\s]+/[^/\s]+/")


def link_path(notice: Notice) -> str:
    """The path of the one-time link in the notice's e-mail (made when it is built)."""
    found = LINK.search(str(email_for(notice).body))
    assert found, "no one-time link in the e-mail"
    return urlsplit(found.group(0)).path


def last_notice(kind: NoticeKind, address: str) -> Notice:
    return Notice.objects.filter(kind=kind, to_address=address).latest("pk")
