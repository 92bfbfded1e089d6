"""The committee secretary's pages: record, decide, approve decisions; their extracts.

Secretaries record and change; officials see the same pages read-only; partners get 404
(decisions are looked up in `decisions_for(user)`).
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from core.documents import preview_response, stored_file_response
from core.filters import filtered_page
from core.views import created, run_service, submitted
from funding import services
from funding.decision_totals import resulting_totals
from funding.filters import DecisionFilter
from funding.forms.decisions import AddAllocationsForm, ApproveForm, DecisionForm
from funding.models import Decision
from funding.pdf import distribution, render_decision_pdf
from funding.permissions import can_edit_decision, can_record_decisions, can_view_decisions
from funding.selectors import (
    allocations_open_for,
    decision_detail,
    decision_list,
    open_amendments,
)

DECISIONS_PER_PAGE = 50


def _decision(request: AuthenticatedRequest, pk: int, *, secretary: bool = False) -> Decision:
    """The decision in the user's scope (404 otherwise); with `secretary`, the step is the
    committee secretary's: anyone else is refused (403)."""
    decision = decision_detail(user=request.user, pk=pk)
    if decision is None:
        raise Http404
    if secretary:
        _secretary_only(request)
    return decision


def _secretary_only(request: AuthenticatedRequest) -> None:
    if not can_record_decisions(request.user):
        raise PermissionDenied


@login_required
@require_GET
def decision_index(request: AuthenticatedRequest) -> HttpResponse:
    if not can_view_decisions(request.user):
        raise Http404
    listed = DecisionFilter(request.GET, queryset=decision_list(user=request.user))
    # Four or five a year, and one per amending decision: paged so a decade stays readable.
    context = filtered_page(request, listed, DECISIONS_PER_PAGE)
    context["can_record"] = can_record_decisions(request.user)
    return render(request, "funding/decisions/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: AuthenticatedRequest) -> HttpResponse:
    if not can_view_decisions(request.user):
        raise Http404
    _secretary_only(request)
    form = DecisionForm.new(request.POST if request.method == "POST" else None)
    decision = created(request, form, partial(services.create_decision, by=request.user))
    if decision is not None:
        messages.success(request, _("Beslutet är registrerat som utkast."))
        return redirect("decisions:detail", decision.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "funding/decisions/form.html", {"form": form}, status=status)


@login_required
@require_GET
def decision_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    can_record = can_record_decisions(request.user)
    can_edit = can_edit_decision(request.user, decision)
    items = list(decision.items.all())
    context = {
        "decision": decision,
        "items": items,
        "total": sum(i.amount for i in items),
        "resulting": resulting_totals(items) if decision.is_editable else [],
        "can_record": can_record,
        "can_edit": can_edit,
        "add_form": AddAllocationsForm(choices=allocations_open_for(decision))
        if can_edit
        else None,
        "amendments": list(open_amendments()) if can_edit else [],
        "distribution": distribution(decision),
    }
    return render(request, "funding/decisions/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk, secretary=True)
    if not decision.is_editable:
        messages.error(request, str(services.NOT_EDITABLE))
        return redirect("decisions:detail", pk)
    form = DecisionForm.for_decision(decision, request.POST if request.method == "POST" else None)
    update = partial(services.update_decision, decision=decision, by=request.user)
    if submitted(request, form, update, done=_("Beslutet är sparat.")):
        return redirect("decisions:detail", pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "funding/decisions/form.html", {"form": form, "decision": decision}, status=status
    )


@login_required
@require_POST
def decision_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk, secretary=True)
    form = AddAllocationsForm(request.POST, choices=allocations_open_for(decision))
    if not form.is_valid():
        messages.error(request, _("Välj minst en fördelning i listan."))
        return redirect("decisions:detail", pk)
    allocations = list(form.cleaned_data["allocations"])
    run_service(
        request,
        lambda: services.add_allocations_to_decision(
            decision=decision, allocations=allocations, by=request.user
        ),
    )
    return redirect("decisions:detail", pk)


@login_required
@require_POST
def decision_item(
    request: AuthenticatedRequest, pk: int, allocation_id: int, action: str
) -> HttpResponse:
    """Take a row out of a draft decision, or list it again with its allocation's amount now."""
    decision = _decision(request, pk, secretary=True)
    item = next((i for i in decision.items.all() if i.allocation_id == allocation_id), None)
    if item is None:
        raise Http404
    service = {
        "remove": services.remove_from_decision,
        "refresh": services.refresh_in_decision,
    }[action]
    run_service(
        request, lambda: service(decision=decision, allocation=item.allocation, by=request.user)
    )
    return redirect("decisions:detail", pk)


def _service_errors(error: ValidationError) -> dict[str, list[str]]:
    """A service's refusal by the field it concerns ("__all__" when it names none)."""
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {"__all__": list(error.messages)}


@login_required
@require_http_methods(["GET", "POST"])
def decision_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Fatta beslutet: a confirmation of what will be decided, then the POST that decides it.
    It cannot be undone: decided money changes only by a new (amending) decision."""
    decision = _decision(request, pk, secretary=True)
    if not decision.can_be_decided:
        messages.error(request, _("Beslutet är redan fattat."))
        return redirect("decisions:detail", pk)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.decide(decision=decision, by=request.user)
        except ValidationError as error:
            errors = _service_errors(error)
        else:
            messages.success(request, _("Beslutet är fattat; fördelningarna är beslutade."))
            return redirect("decisions:detail", pk)
    items = list(decision.items.all())
    context = {"decision": decision, "items": items, "errors": errors}
    context |= {"total": sum(i.amount for i in items), "resulting": resulting_totals(items)}
    return render(request, "funding/decisions/decide.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decision_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Justering: the justerare, the chair and the day it was posted (anslag); sealing the
    extract cannot be undone."""
    decision = _decision(request, pk, secretary=True)
    if not decision.can_be_approved:
        messages.error(request, _("Bara ett fattat beslut som inte är justerat kan justeras."))
        return redirect("decisions:detail", pk)
    data = request.POST if request.method == "POST" else None
    form = ApproveForm(data, initial={"approved_on": decision.meeting_date})
    approve = partial(services.approve_decision, decision=decision, by=request.user)
    if submitted(request, form, approve, done=_("Protokollet är justerat; utdraget är förseglat.")):
        return redirect("decisions:detail", pk)
    context = {"decision": decision, "form": form}
    status = 400 if form.is_bound else 200
    return render(request, "funding/decisions/approve.html", context, status=status)


@login_required
@never_cache  # a document or export: Cache-Control: private, no-store (issue 13)
@require_GET
def decision_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The certified extract as stored, byte for byte; before approval a preview (UTKAST)."""
    decision = _decision(request, pk)
    document = getattr(decision, "document", None)
    name = f"protokollsutdrag-{decision.registration_number or decision.pk}"
    if document is not None:
        return stored_file_response(document.file, sha256=document.sha256, filename=f"{name}.pdf")
    return preview_response(render_decision_pdf(decision), filename=f"{name}-UTKAST.pdf")
