"""Ending an agreement early (issue 17; design §4 workflow 9): one not yet in force is
discarded (makulerad), a signed one terminated (hävd), perhaps with an amount to recover.

Each is a confirm page: GET shows the form, POST does it. Bad input comes back on the form
(400) with what was typed; a move the lifecycle does not allow goes back to the agreement with
the reason.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from agreements import services
from agreements.forms import DiscardForm, TerminateForm
from agreements.models import Agreement, AgreementStatus
from agreements.permissions import can_draft_agreements
from agreements.views.common import agreement_or_404
from core.forms import add_service_errors


def _end(
    request: AuthenticatedRequest,
    reference: str,
    *,
    to: str,
    form_class: type[TerminateForm | DiscardForm],
    act: Callable[[Agreement, dict[str, Any]], object],
    template: str,
    done: str,
) -> HttpResponse:
    """The confirm page of terminating or discarding (see the module's docstring)."""
    agreement = agreement_or_404(request, reference)
    if not can_draft_agreements(request.user):
        raise PermissionDenied
    try:
        services.check_can_become(agreement, to)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("agreements:detail", reference)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None)
    if posted and form.is_valid():
        try:
            act(agreement, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("agreements:detail", reference)
    paid = services.amount_paid(agreement) if to == AgreementStatus.TERMINATED else None
    context = {"agreement": agreement, "form": form, "paid": paid}
    return render(request, template, context, status=400 if posted else 200)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_terminate(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    return _end(
        request,
        reference,
        to=AgreementStatus.TERMINATED,
        form_class=TerminateForm,
        act=lambda agreement, data: services.terminate_agreement(
            agreement=agreement, by=request.user, **data
        ),
        template="agreements/terminate.html",
        done=_("Överenskommelsen är hävd."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_discard(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    return _end(
        request,
        reference,
        to=AgreementStatus.DISCARDED,
        form_class=DiscardForm,
        act=lambda agreement, data: services.discard_agreement(
            agreement=agreement, by=request.user, **data
        ),
        template="agreements/discard.html",
        done=_("Överenskommelsen är makulerad."),
    )
