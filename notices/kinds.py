"""Which kinds of notice reach which users: what the settings page offers each of them."""

from accounts.models import Role, User
from notices.models import NoticeKind

PARTNER_KINDS = (
    NoticeKind.AGREEMENT_SENT,
    NoticeKind.AGREEMENT_SIGNED,
    NoticeKind.AGREEMENT_WITHDRAWN,
    NoticeKind.AGREEMENT_TERMINATED,
    NoticeKind.AGREEMENT_DISCARDED,
    NoticeKind.REPORT_DUE_30,
    NoticeKind.REPORT_DUE_7,
    NoticeKind.REPORT_OVERDUE,
    NoticeKind.REPORT_RETURNED,
    NoticeKind.INSTALMENT_PAID,
)
OFFICIAL_KINDS = (
    NoticeKind.AGREEMENT_PARTNER_SIGNED,
    NoticeKind.AGREEMENT_SIGNED,
    NoticeKind.REPORT_SUBMITTED,
)


def kinds_for(user: User) -> tuple[NoticeKind, ...]:
    """The kinds this user may receive and turn off."""
    if user.role == Role.PARTNER:
        return PARTNER_KINDS
    if user.role == Role.OFFICIAL:
        return OFFICIAL_KINDS
    return ()
