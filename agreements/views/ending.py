"""Ending an agreement early (issue 17; design §4 workflow 9): one not yet in force is
discarded (makulerad), a signed one terminated (hävd), perhaps with an amount to recover.

Each is a confirm page: GET shows the form, POST does it. Bad input comes back on the form
(400) with what was typed; a move the lifecycle does not allow goes back to the agreement with
the reason.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from agreements import services
from agreements.forms import DiscardForm, TerminateForm
from agreements.models import AgreementStatus
from agreements.permissions import can_draft_agreements
from agreements.views.common import agreement_or_404
from core.views import run_service, submitted

# The two ways to end (the URL's `action`, also the page's template): the status it ends in, its
# form, the service and what to tell the official.
_ENDINGS: dict[str, tuple[str, type[TerminateForm | DiscardForm], Callable[..., object], Any]] = {
    "terminate": (
        AgreementStatus.TERMINATED,
        TerminateForm,
        services.terminate_agreement,
        gettext_lazy("Överenskommelsen är hävd."),
    ),
    "discard": (
        AgreementStatus.DISCARDED,
        DiscardForm,
        services.discard_agreement,
        gettext_lazy("Överenskommelsen är makulerad."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def agreement_end(request: AuthenticatedRequest, reference: str, action: str) -> HttpResponse:
    """The confirm page of terminating or discarding (see the module's docstring)."""
    agreement = agreement_or_404(request, reference)
    if not can_draft_agreements(request.user):
        raise PermissionDenied
    to, form_class, service, done = _ENDINGS[action]
    if not run_service(request, lambda: services.check_can_become(agreement, to)):
        return redirect("agreements:detail", reference)
    form = form_class(request.POST if request.method == "POST" else None)
    end = partial(service, agreement=agreement, by=request.user)
    if submitted(request, form, end, done=str(done)):
        return redirect("agreements:detail", reference)
    paid = services.amount_paid(agreement) if to == AgreementStatus.TERMINATED else None
    context = {"agreement": agreement, "form": form, "paid": paid}
    status = 400 if request.method == "POST" else 200
    return render(request, f"agreements/{action}.html", context, status=status)
