"""Agreement pages: list, draft, edit, send, sign, documents, and the public verification.

Each view: find the agreement in the user's scope (another partner's is a 404) → check the
action is allowed → call a service → redirect or render.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from accounts.permissions import is_region_staff
from agreements import services
from agreements.downloads import current_download, download_keys
from agreements.filters import AgreementFilter
from agreements.forms import (
    TermsForm,
    VerifyForm,
    indicator_formset,
    instalment_formset,
    report_formset,
)
from agreements.forms.rows import row_to_add, with_row_added
from agreements.models import Agreement
from agreements.pdf import render_agreement_pdf
from agreements.permissions import (
    can_draft_agreements,
    can_preview_agreement,
)
from agreements.selectors import (
    allocations_awaiting_agreement,
)
from agreements.starting_terms import starting_terms
from agreements.verification import verify_pdf
from agreements.views.common import (
    agreement_or_404,
    saved_draft,
    sign_form,
    signed,
    signing_page,
)
from agreements.views.listing import agreement_rows
from agreements.views.record import agreement_record, notices_table, signing_party
from audit.cache import revision_keys
from core.documents import preview_response, stored_file_response
from core.filters import PAGE_PARAM, ListChoices
from core.generation_cache import reads_ahead
from core.limits import limit_body, rate_limit
from core.views import created, run_service, with_csrf_token

NOTICES_SHOWN = 50


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_http_methods(["GET"])
def agreement_index(request: AuthenticatedRequest) -> HttpResponse:
    # The choices alone (their rows come from agreement_rows, cached).
    choices = ListChoices(AgreementFilter, Agreement, request.GET)
    filters = choices.query
    context = {
        "filters": filters,
        "choices": choices,
        "rows": agreement_rows(
            request.user, request.GET, filters=filters, page=request.GET.get(PAGE_PARAM)
        ),
    }
    return render(request, "agreements/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_new(request: AuthenticatedRequest, allocation_id: int) -> HttpResponse:
    if not can_draft_agreements(request.user):
        raise Http404
    allocation = get_object_or_404(allocations_awaiting_agreement(request.user), pk=allocation_id)
    start = starting_terms(allocation)
    form = TermsForm(request.POST if request.method == "POST" else None, initial=start.initial)
    draft = partial(services.draft_agreement, allocation=allocation, by=request.user)
    agreement = created(request, form, draft)
    if agreement is not None:
        messages.success(
            request, _("Utkastet är upprättat. Fyll i betalningsplan och återrapportering.")
        )
        return redirect("agreements:edit", agreement.reference)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "allocation": allocation, "previous": start.previous}
    return render(request, "agreements/new.html", context, status=status)


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_http_methods(["GET"])
def agreement_view(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    record = agreement_record(request.user, reference)
    if record is None:
        raise Http404
    context = {
        "reference": record.reference,
        "record": with_csrf_token(record.html, request),
        # Staff see the e-mail the system sent or will send about it (issue 16).
        "notices": notices_table(record.pk, shown=NOTICES_SHOWN)
        if is_region_staff(request.user)
        else None,
    }
    return render(request, "agreements/detail.html", context)


def _draft_forms(agreement: Agreement, data: Any) -> dict[str, Any]:
    """The edit page's forms: terms, payment plan, reporting and key figures."""
    return {
        "terms": TermsForm.for_terms(agreement, data),
        "plan": instalment_formset(agreement, data),
        "reports": report_formset(agreement, data),
        "indicators": indicator_formset(agreement, data),
    }


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement = agreement_or_404(request, reference)
    if not can_draft_agreements(request.user):
        raise PermissionDenied
    if not agreement.terms_editable:
        messages.error(request, _("Bara ett utkast kan ändras."))
        return redirect("agreements:detail", reference)
    data = request.POST if request.method == "POST" else None
    forms = _draft_forms(agreement, data)
    if adding := row_to_add(data):  # "Lägg till rad": the page again, one row more, unsaved
        context = {"agreement": agreement, **with_row_added(forms, adding)}
        return render(request, "agreements/edit.html", context)
    valid = data is not None and all(f.is_valid() for f in forms.values())
    revise = partial(services.revise_draft, agreement=agreement)
    if valid and saved_draft(request, forms, revise, _("Utkastet är sparat.")):
        return redirect("agreements:detail", reference)
    context = {"agreement": agreement, **forms}
    return render(request, "agreements/edit.html", context, status=400 if data is not None else 200)


def _withdraw(*, agreement: Agreement, by: Any) -> Agreement:
    return services.withdraw_from_signing(
        agreement=agreement, by=by, reason=str(gettext_lazy("Återkallad för ändring"))
    )


# The lifecycle steps an official takes with one button: service and what to tell them.
_TRANSITIONS: dict[str, tuple[Callable[..., object], Any]] = {
    "send": (
        services.send_for_signing,
        gettext_lazy("Överenskommelsen är skickad för underskrift."),
    ),
    "withdraw": (_withdraw, gettext_lazy("Överenskommelsen är återkallad och är ett utkast igen.")),
    "complete": (services.complete_agreement, gettext_lazy("Överenskommelsen är avslutad.")),
}


@login_required
@require_POST
def agreement_transition(
    request: AuthenticatedRequest, reference: str, action: str
) -> HttpResponse:
    agreement = agreement_or_404(request, reference)
    if not can_draft_agreements(request.user):
        raise PermissionDenied
    service, done = _TRANSITIONS[action]
    run_service(request, lambda: service(agreement=agreement, by=request.user), done=str(done))
    return redirect("agreements:detail", reference)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def agreement_sign(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    agreement = agreement_or_404(request, reference)
    party = signing_party(request.user, agreement)
    if party is None:
        messages.error(request, _("Du kan inte skriva under den här överenskommelsen nu."))
        return redirect("agreements:detail", reference)
    form = sign_form(request)
    sign = partial(services.sign_agreement, agreement=agreement, party=party)
    if signed(request, form, sign, done=_("Du har skrivit under överenskommelsen.")):
        return redirect("agreements:detail", reference)
    return signing_page(request, agreement, form, party)


@reads_ahead(download_keys)  # the document's entry comes with the session: one round trip
@login_required
@require_http_methods(["GET"])
def agreement_pdf(request: AuthenticatedRequest, reference: str) -> HttpResponseBase:
    """The sealed PDF, byte for byte as stored. Never re-rendered."""
    download = current_download(user=request.user, reference=reference)
    if download is None:
        raise Http404
    return stored_file_response(download, sha256=download.sha256, filename=download.filename)


@login_required
@never_cache  # a document or export: Cache-Control: private, no-store (issue 13)
@require_http_methods(["GET"])
def agreement_preview(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """A preview marked UTKAST: for officials, and for the partner while it is out for
    signing (the exact text it signs)."""
    agreement = agreement_or_404(request, reference)
    if not can_preview_agreement(request.user, agreement):
        raise Http404
    pdf = render_agreement_pdf(agreement, draft=True)
    return preview_response(pdf, filename=f"{agreement.reference}-UTKAST.pdf")


@rate_limit("verify", setting="VERIFY_RATE_LIMIT", window_seconds=600)
@limit_body("VERIFY_MAX_UPLOAD_BYTES")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: is this PDF an authentic, unaltered signed document from this system?"""
    max_bytes = settings.VERIFY_MAX_UPLOAD_BYTES
    posted = request.method == "POST"
    form = VerifyForm(
        request.POST if posted else None, request.FILES if posted else None, max_bytes=max_bytes
    )
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = verify_pdf(upload.read())
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request, "agreements/verify.html", {"form": form, "result": result}, status=status
    )
