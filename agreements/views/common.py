"""What the agreement and amendment pages share: the lookup in the user's scope, saving a draft
from its edit page, and the signing page."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.http import AuthenticatedRequest
from agreements.amendments import NewVersion, new_version
from agreements.forms import SignForm, planned_indicators, planned_instalments, planned_reports
from agreements.models import Agreement, AgreementAmendment
from agreements.selectors import agreement_detail
from core.views import run_service, submitted


def agreement_or_404(request: HttpRequest, reference: str) -> Agreement:
    """The agreement within what this user may see; another partner's is a 404, like one that
    does not exist."""
    agreement = agreement_detail(user=request.user, reference=reference)
    if agreement is None:
        raise Http404
    return agreement


def sign_form(request: AuthenticatedRequest) -> SignForm:
    """The signing form, bound to what was posted."""
    data = request.POST if request.method == "POST" else None
    return SignForm(data, user=request.user, request=request)


def signed(request: HttpRequest, form: SignForm, sign: Callable[..., object], *, done: str) -> bool:
    """Sign with a posted, valid signing form (its password check counts towards the lockout):
    `sign(by=)`; the name and title come from the user's record (issue 19). False, with the
    service's refusal on the form, when it was not signed."""
    if request.method != "POST" or not form.is_valid():
        return False
    return run_service(request, partial(sign, by=request.user), done=done, form=form)


def saved_draft(
    request: HttpRequest, forms: dict[str, Any], revise: Callable[..., object], done: str
) -> bool:
    """Save a draft, an agreement's or an amendment's, from its edit page's valid forms: the
    terms, the payment plan, the reporting and (an agreement's) the key figures. False, with
    the service's refusal on the terms form, when the rules refuse it."""
    planned = {
        "instalments": planned_instalments(forms["plan"]),
        "reports": planned_reports(forms["reports"]),
    }
    if "indicators" in forms:
        planned["indicators"] = planned_indicators(forms["indicators"])
    revision = partial(revise, by=request.user, **planned)
    return submitted(request, forms["terms"], revision, done=done)


def signing_page(
    request: HttpRequest,
    agreement: Agreement,
    form: SignForm,
    party: str,
    amendment: AgreementAmendment | None = None,
) -> HttpResponse:
    """The signing page of an agreement, or of its open amendment: the version being signed,
    its preview (UTKAST) and the password form; 400 after a post that did not sign."""
    context = {
        "agreement": agreement,
        "form": form,
        "party": party,
        "terms": terms_to_sign(agreement, amendment),
    }
    if amendment is None:
        preview, template = "agreements:preview", "agreements/sign.html"
    else:
        preview, template = "agreements:amendment_preview", "agreements/amendment_sign.html"
        context["amendment"] = amendment
    context["pdf_url"] = reverse(preview, args=[agreement.reference])
    return render(request, template, context, status=400 if form.is_bound else 200)


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
