"""Amendment (tillägg) pages: start, edit, send, withdraw, discard, sign, preview, and every
signed version's PDF.

Each view: find the agreement in the user's scope (another partner's is a 404), then its open
amendment → check the action is allowed → call a service → redirect or render.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from agreements import services
from agreements.amendments import (
    carried_instalments,
    carried_requirements,
    describe_changes,
    new_version,
)
from agreements.forms.amendments import (
    AmendmentStartForm,
    AmendmentTermsForm,
    DiscardForm,
    amendment_plan_formset,
    amendment_report_formset,
)
from agreements.forms.rows import row_to_add, with_row_added
from agreements.models import (
    Agreement,
    AgreementAmendment,
    AgreementStatus,
    AmendmentStatus,
    Party,
)
from agreements.pdf import render_agreement_pdf
from agreements.permissions import can_draft_agreements, can_sign_as_partner, can_sign_for_region
from agreements.selectors import signed_version, signed_versions
from agreements.views.common import (
    agreement_or_404,
    saved_draft,
    sign_form,
    signed,
    signing_page,
)
from core.documents import preview_response, stored_file_response
from core.views import run_service, submitted


def _amendment(
    request: AuthenticatedRequest, reference: str, *, official: bool = False
) -> tuple[Agreement, AgreementAmendment]:
    """The agreement in the user's scope and its open amendment, as far as this user may see
    it: a partner sees it only once it is sent to them; a draft is the region's own. With
    `official`, the step is an official's: anyone else is refused (403)."""
    agreement = agreement_or_404(request, reference)
    if official:
        _check_official(request)
    amendment = services.open_amendment(agreement)
    if amendment is None:
        raise Http404
    if not can_draft_agreements(request.user) and amendment.status == AmendmentStatus.DRAFT:
        raise Http404
    amendment.agreement = agreement
    return agreement, amendment


FOLLOWS_DECISION = {AgreementStatus.DRAFT, AgreementStatus.SENT, AgreementStatus.SIGNED}


def amendment_context(user: Any, agreement: Agreement) -> dict[str, Any]:
    """What the agreement page shows about versions: every signed one, the open amendment as
    far as this user may see it, and whether an official may start one."""
    amendment = services.open_amendment(agreement)
    if amendment is not None and amendment.status == AmendmentStatus.DRAFT:
        amendment = amendment if can_draft_agreements(user) else None
    if amendment is not None:
        amendment.agreement = agreement
    official = can_draft_agreements(user)
    return {
        "versions": signed_versions(agreement),
        "amendment": amendment,
        "amendment_party": signing_party(user, amendment) if amendment else None,
        "can_amend": official and amendment is None and agreement.status == AgreementStatus.SIGNED,
        # An amending decision changed the money: a draft follows it, a signed one needs a
        # tillägg (a partner-signed one is signed by the region first, then amended).
        "amount_differs": official
        and agreement.status in FOLLOWS_DECISION
        and agreement.amount != agreement.allocation.amount,
    }


def signing_party(user: Any, amendment: AgreementAmendment) -> str | None:
    """Which party this user may sign the amendment for right now, if any."""
    if amendment.status == AmendmentStatus.SENT and can_sign_as_partner(user, amendment.agreement):
        return Party.PARTNER
    if amendment.status == AmendmentStatus.PARTNER_SIGNED and can_sign_for_region(user):
        return Party.REGION
    return None


def _check_official(request: AuthenticatedRequest) -> None:
    if not can_draft_agreements(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def amendment_view(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement, amendment = _amendment(request, reference)
    context = {
        "agreement": agreement,
        "amendment": amendment,
        "changes": describe_changes(agreement, amendment),
        "version": new_version(agreement, amendment),
        "can_draft": can_draft_agreements(request.user),
        "signing_party": signing_party(request.user, amendment),
        "discard_form": DiscardForm(),
    }
    return render(request, "agreements/amendment.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_new(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement = agreement_or_404(request, reference)
    _check_official(request)
    form = AmendmentStartForm(request.POST if request.method == "POST" else None)
    draft = partial(services.draft_amendment, agreement=agreement, by=request.user)
    done = _("Tillägget är upprättat som utkast. Ändra villkoren och betalningsplanen.")
    if submitted(request, form, draft, done=done):
        return redirect("agreements:amendment_edit", reference)
    context = {"agreement": agreement, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "agreements/amendment_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_edit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement, amendment = _amendment(request, reference, official=True)
    if not amendment.terms_editable:
        messages.error(request, _("Bara ett tillägg som är ett utkast kan ändras."))
        return redirect("agreements:amendment", reference)
    data = request.POST if request.method == "POST" else None
    forms = _edit_forms(amendment, data)
    if adding := row_to_add(data):  # "Lägg till rad": the page again, one row more, unsaved
        forms = with_row_added(forms, adding)
        data = None
    checked = [f.is_valid() for f in forms.values()] if data is not None else [False]
    valid = all(checked)  # every form is checked, so every message shows
    revise = partial(services.revise_amendment, amendment=amendment)
    if valid and saved_draft(request, forms, revise, _("Tillägget är sparat.")):
        return redirect("agreements:amendment", reference)
    context = {"agreement": agreement, "amendment": amendment, **forms, **_carried(agreement)}
    status = 400 if data is not None else 200
    return render(request, "agreements/amendment_edit.html", context, status=status)


def _edit_forms(amendment: AgreementAmendment, data: Any) -> dict[str, Any]:
    return {
        "terms": AmendmentTermsForm.for_terms(amendment, data),
        "plan": amendment_plan_formset(amendment, data),
        "reports": amendment_report_formset(amendment, data),
    }


def _carried(agreement: Agreement) -> dict[str, Any]:
    """What the new version takes over unchanged, shown above the fields."""
    instalments = carried_instalments(agreement)
    return {
        "carried_instalments": instalments,
        "carried_count": len(instalments),
        "carried_requirements": carried_requirements(agreement),
    }


_STEPS: dict[str, tuple[Callable[..., object], Any]] = {
    "send": (
        services.send_amendment,
        gettext_lazy("Tillägget är skickat till partnern för underskrift."),
    ),
    "withdraw": (
        services.withdraw_amendment,
        gettext_lazy("Tillägget är återkallat och är ett utkast igen."),
    ),
}


@login_required
@require_POST
def amendment_step(request: AuthenticatedRequest, reference: str, action: str) -> HttpResponse:
    _agreement, amendment = _amendment(request, reference, official=True)
    service, done = _STEPS[action]
    run_service(request, lambda: service(amendment=amendment, by=request.user), done=str(done))
    return redirect("agreements:amendment", reference)


@login_required
@require_http_methods(["GET", "POST"])
def amendment_discard(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement, amendment = _amendment(request, reference, official=True)
    form = DiscardForm(request.POST if request.method == "POST" else None)
    discard = partial(services.discard_amendment, amendment=amendment, by=request.user)
    done = _("Tillägget är makulerat. Version %(v)s gäller som förut.") % {"v": agreement.version}
    if submitted(request, form, discard, done=done):
        return redirect("agreements:detail", reference)
    context = {"agreement": agreement, "amendment": amendment, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "agreements/amendment_discard.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def amendment_sign(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement, amendment = _amendment(request, reference)
    party = signing_party(request.user, amendment)
    if party is None:
        messages.error(request, _("Du kan inte skriva under tillägget nu."))
        return redirect("agreements:amendment", reference)
    form = sign_form(request)
    sign = partial(services.sign_amendment, amendment=amendment, party=party)
    if signed(request, form, sign, done=_("Du har skrivit under tillägget.")):
        done = party == Party.REGION
        return redirect("agreements:detail" if done else "agreements:amendment", reference)
    return signing_page(request, agreement, form, party, amendment)


@login_required
@never_cache  # a document: Cache-Control: private, no-store
@require_http_methods(["GET"])
def amendment_preview(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """The version the amendment proposes, marked UTKAST: for the official, and for the partner
    once it is sent to them to read before signing."""
    agreement, amendment = _amendment(request, reference)
    pdf = render_agreement_pdf(agreement, draft=True, amendment=amendment)
    name = f"{agreement.reference}-v{amendment.version}-UTKAST.pdf"
    return preview_response(pdf, filename=name)


@login_required
@require_http_methods(["GET"])
def version_pdf(request: AuthenticatedRequest, reference: str, version: int) -> HttpResponseBase:
    """Any signed version's sealed PDF, byte for byte as stored: older versions stay
    downloadable after an amendment."""
    document = signed_version(user=request.user, reference=reference, version=version)
    if document is None:
        raise Http404
    return stored_file_response(
        document.file,
        sha256=document.sha256,
        filename=f"{document.agreement.reference}-v{document.agreement_version}.pdf",
    )
