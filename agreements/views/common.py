"""What every agreement page starts with."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest

from agreements.amendments import NewVersion, new_version
from agreements.forms import SignForm
from agreements.models import Agreement, AgreementAmendment
from agreements.selectors import agreement_detail
from core.forms import add_service_errors


def agreement_or_404(request: HttpRequest, reference: str) -> Agreement:
    """The agreement within what this user may see; another partner's is a 404, like one that
    does not exist."""
    agreement = agreement_detail(user=request.user, reference=reference)
    if agreement is None:
        raise Http404
    return agreement


def signed(request: HttpRequest, form: SignForm, sign: Callable[..., Any]) -> bool:
    """Sign with a posted, valid signing form (its password check counts towards the lockout):
    `sign(by=)`; the name and title come from the user's record (issue 19). False, with the
    service's refusal on the form, when it was not signed."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        sign(by=request.user)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


def terms_to_sign(agreement: Agreement, amendment: AgreementAmendment | None = None) -> NewVersion:
    """What the signing page shows before the signature: the version being signed (the
    amendment's proposed one, when there is one) with its reporting and payment plan."""
    if amendment is not None:
        return new_version(agreement, amendment)
    return NewVersion(
        agreement=agreement,
        requirements=list(agreement.reporting_requirements.order_by("due_date", "pk")),
        instalments=list(agreement.instalments.select_related("after_report").order_by("number")),
    )
