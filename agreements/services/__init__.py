"""Every write to agreements: drafting, payment plans, reporting, signing, lifecycle.

The lifecycle is `agreements.models.TRANSITIONS`; `lifecycle.transition` is the only place that
changes an agreement's status, and it writes the history. Design §3 invariant 6: an agreement is
sent for signing only when its allocation is decided; the region signs only after the partner; a
signed agreement's terms never change. One module per part of its life; import from here.
"""

from agreements.plans import (
    PlannedIndicator,
    PlannedInstalment,
    PlannedReport,
    default_instalment_dates,
    even_payment_plan,
)
from agreements.services.amendments import (
    discard_amendment,
    draft_amendment,
    open_amendment,
    revise_amendment,
    send_amendment,
    sign_amendment,
    withdraw_amendment,
)
from agreements.services.drafting import (
    create_agreement,
    default_reference,
    draft_agreement,
    revise_draft,
    set_indicators,
    set_payment_plan,
    set_reporting_requirements,
    update_agreement_terms,
)
from agreements.services.lifecycle import (
    amount_paid,
    check_can_become,
    complete_agreement,
    discard_agreement,
    follow_up_left,
    send_for_signing,
    terminate_agreement,
    withdraw_from_signing,
)
from agreements.services.payments import (
    PaidRow,
    book_instalment_paid,
    book_paid_rows,
    release_instalment,
)
from agreements.services.reports import (
    approve_report,
    remove_attachment,
    return_report,
    save_report,
    submit_report,
)
from agreements.services.signing import sign_agreement

__all__ = [
    "PaidRow",
    "PlannedIndicator",
    "PlannedInstalment",
    "PlannedReport",
    "amount_paid",
    "approve_report",
    "book_instalment_paid",
    "book_paid_rows",
    "check_can_become",
    "complete_agreement",
    "create_agreement",
    "default_instalment_dates",
    "default_reference",
    "discard_agreement",
    "discard_amendment",
    "draft_agreement",
    "draft_amendment",
    "even_payment_plan",
    "follow_up_left",
    "open_amendment",
    "release_instalment",
    "remove_attachment",
    "return_report",
    "revise_amendment",
    "revise_draft",
    "save_report",
    "send_amendment",
    "send_for_signing",
    "set_indicators",
    "set_payment_plan",
    "set_reporting_requirements",
    "sign_agreement",
    "sign_amendment",
    "submit_report",
    "terminate_agreement",
    "update_agreement_terms",
    "withdraw_amendment",
    "withdraw_from_signing",
]
