"""The agreement page's record, rendered once per recorded change (issue 18).

Everything the page shows about the agreement — facts, documents, versions, signatures,
payments, reports, key figures, history and the actions this user may take — comes from rows
that only services change, and every service records its change, which moves the history's
revision on (audit.cache). So the record is rendered once per revision, day (what is late
depends on it), language and viewer, and served from the cache until then: the profile showed
nine queries and a long template at 30 ms, against 1 ms for the session floor
(docs/performance.md). The e-mail notices are not in it: their delivery is not a recorded change.

The viewer is the user with their role and partner: the actions shown depend on who asks. Access
is checked on every request against the request's user (`may_see_agreement_of`, the rule of
`visible_agreements`), whatever the cache holds. Forms in the record carry a slot that each
response fills with its own CSRF token.

The notices, for staff, are cached under their own generation, which every write to a notice
moves on (`notices_table`).
"""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.permissions import AnyUser, is_official
from agreements import services
from agreements.models import Agreement, AgreementStatus, AmendmentStatus, Party
from agreements.permissions import can_draft_agreements, can_sign_as_partner, can_sign_for_region
from agreements.selectors import (
    agreement_detail,
    agreement_timeline,
    may_see_agreement_of,
    next_reporting_date,
    requirement_rows,
    signed_document,
)
from agreements.views.amendments import amendment_context
from audit.cache import per_revision
from core.generation_cache import cached
from core.views import CSRF_SLOT
from notices.selectors import GENERATION_KEY, notices_about
from partners.permissions import membership_key


def signing_party(user: Any, agreement: Agreement) -> str | None:
    """Which party this user may sign for right now, if any."""
    if agreement.status == AgreementStatus.SENT and can_sign_as_partner(user, agreement):
        return Party.PARTNER
    if agreement.status == AgreementStatus.PARTNER_SIGNED and can_sign_for_region(user):
        return Party.REGION
    return None


@dataclass(frozen=True)
class Record:
    """The rendered record of one agreement for one viewer."""

    pk: int
    reference: str
    partner_id: int
    html: str
    # The agreement or its open amendment waits for the region's signature: whether the viewer
    # holds the right to give it changes the page (a default, so an older entry still reads).
    awaits_region: bool = False


def _context(user: AnyUser, agreement: Agreement) -> dict[str, Any]:
    next_report = next_reporting_date(agreement)
    return {
        "agreement": agreement,
        "timeline": agreement_timeline(agreement),
        "next_report": next_report,
        "next_report_overdue": next_report is not None
        and agreement.status == AgreementStatus.SIGNED
        and next_report < timezone.localdate(),
        "requirements": requirement_rows(agreement),
        # Reports are written once both signed; a terminated agreement keeps what was written.
        "reports_open": agreement.status
        in (AgreementStatus.SIGNED, AgreementStatus.COMPLETED, AgreementStatus.TERMINATED),
        "follow_up_left": services.follow_up_left(agreement) if agreement.can_be_completed else [],
        "document": signed_document(agreement),
        **amendment_context(user, agreement),
        "can_draft": can_draft_agreements(user),
        "signing_party": signing_party(user, agreement),
        "csrf_token": CSRF_SLOT,
    }


def _viewer(user: AnyUser) -> str:
    """What about the user decides what the record shows them: their role, their partner and
    whether they sign for it (it comes with the session's user). A membership changed outside
    the services (the admin, a direct save) records nothing, so the revision would not say it:
    the key does, at the very next request. The right to sign for the region is added only
    where it shows (`agreement_record`): reading it costs queries without Redis."""
    return f"{user.pk}:{getattr(user, 'role', '')}:{membership_key(user)}"


def agreement_record(user: AnyUser, reference: str) -> Record | None:
    """The record of the agreement `reference` as `user` sees it; None (a 404) when they may
    not see it or it does not exist."""

    def render() -> Record | None:
        agreement = agreement_detail(user=user, reference=reference)
        if agreement is None:
            return None
        context = _context(user, agreement)
        html = render_to_string("agreements/detail.html#record", context)
        amendment = context["amendment"]
        awaits_region = agreement.status == AgreementStatus.PARTNER_SIGNED or (
            amendment is not None and amendment.status == AmendmentStatus.PARTNER_SIGNED
        )
        return Record(agreement.pk, agreement.reference, agreement.partner_id, html, awaits_region)

    key = f"agreement-record:{reference}:{_viewer(user)}:{timezone.localdate()}:{get_language()}"
    record = per_revision(key, render)
    if record is not None and record.awaits_region and is_official(user):
        # The sign button shows to officials with the right, which the admin can give or take
        # without a recorded change: then it is in the key.
        record = per_revision(f"{key}:region-right:{can_sign_for_region(user):d}", render)
    if record is None or not may_see_agreement_of(user, partner_id=record.partner_id):
        return None
    return record


def notices_table(agreement_pk: int, *, shown: int) -> SafeString:
    """The staff's table of what the system sent or will send about the agreement (issue 16),
    rendered once per change to any notice (a delivery is not a recorded change, so not the
    revision: the notices' own generation, notices.selectors.GENERATION_KEY)."""

    def render() -> str:
        notices = list(notices_about(Agreement(pk=agreement_pk))[:shown])
        return render_to_string("agreements/detail.html#notices", {"notices": notices})

    key = f"agreement-notices:{agreement_pk}:{shown}:{get_language()}"
    return mark_safe(cached(GENERATION_KEY, key, render) or "")  # noqa: S308 - our template's output
