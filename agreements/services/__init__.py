"""Every write to agreements: drafting, payment plans, reporting, signing, lifecycle.

The lifecycle is `agreements.models.TRANSITIONS`; `lifecycle.transition` is the only place that
changes an agreement's status, and it writes the history. Design §3 invariant 6: an agreement is
sent for signing only when its allocation is decided; the region signs only after the partner; a
signed agreement's terms never change. One module per part of its life; import from here.
"""

from agreements.services.drafting import (
    create_agreement,
    default_reference,
    draft_agreement,
    revise_draft,
    set_payment_plan,
    set_reporting_requirements,
    update_agreement_terms,
)
from agreements.services.lifecycle import (
    complete_agreement,
    send_for_signing,
    terminate_agreement,
    withdraw_from_signing,
)
from agreements.services.payments import book_instalment_paid, release_instalment
from agreements.services.plans import (
    PlannedInstalment,
    PlannedReport,
    default_instalment_dates,
    even_payment_plan,
)
from agreements.services.signing import sign_agreement

__all__ = [
    "PlannedInstalment",
    "PlannedReport",
    "book_instalment_paid",
    "complete_agreement",
    "create_agreement",
    "default_instalment_dates",
    "default_reference",
    "draft_agreement",
    "even_payment_plan",
    "release_instalment",
    "revise_draft",
    "send_for_signing",
    "set_payment_plan",
    "set_reporting_requirements",
    "sign_agreement",
    "terminate_agreement",
    "update_agreement_terms",
    "withdraw_from_signing",
]
