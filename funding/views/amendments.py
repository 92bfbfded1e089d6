"""Changing decided money: the official proposes, the secretary lists the proposal in a draft
decision (issue 17; funding.services.amendments)."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from core.views import run_service, submitted
from funding import services
from funding.forms.amendments import AmendmentForm
from funding.models import Allocation, AmendmentProposal, Programme, ProposalStatus
from funding.permissions import can_edit_allocations, can_record_decisions
from funding.selectors import decisions_for
from funding.views.budget import programme_or_404


def _allocation(
    request: AuthenticatedRequest, year: int, slug: str, allocation_id: int
) -> tuple[Programme, Allocation]:
    programme = programme_or_404(request, year, slug)
    allocation = get_object_or_404(
        programme.allocations.select_related("partner", "decision"), pk=allocation_id
    )
    if not can_edit_allocations(request.user, programme):
        raise PermissionDenied
    return programme, allocation


@login_required
@require_http_methods(["GET", "POST"])
def propose(
    request: AuthenticatedRequest, year: int, slug: str, allocation_id: int
) -> HttpResponse:
    programme, allocation = _allocation(request, year, slug, allocation_id)
    form = AmendmentForm(request.POST or None, initial={"amount": allocation.amount})
    propose = partial(services.propose_amendment, allocation=allocation, by=request.user)
    done = _("Ändringen för %(p)s är föreslagen. Nämndsekreteraren tar upp den i ett beslut.") % {
        "p": allocation.partner.display_name
    }
    if submitted(request, form, propose, done=done):
        return redirect("funding:allocations", year, slug)
    context = {"programme": programme, "allocation": allocation, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "funding/amendment_form.html", context, status=status)


@login_required
@require_POST
def list_in_decision(request: AuthenticatedRequest, pk: int, proposal_id: int) -> HttpResponse:
    decision = get_object_or_404(decisions_for(request.user), pk=pk)
    if not can_record_decisions(request.user):
        raise PermissionDenied
    proposal = get_object_or_404(
        AmendmentProposal.objects.filter(status=ProposalStatus.OPEN), pk=proposal_id
    )
    run_service(
        request,
        lambda: services.list_amendment(decision=decision, proposal=proposal, by=request.user),
    )
    return redirect("decisions:detail", pk)
