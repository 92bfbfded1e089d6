"""The officials' payments page: instalments to release (attest), released ones to book as paid,
and what has been paid (design §4 workflow 8). Each view: officials only (anyone else gets the
same 404 as for a page that does not exist) → a selector or a service → render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from agreements import services
from agreements.forms import BookPaidForm, PaidImportForm, PaymentFilterForm, ReleaseForm
from agreements.models import Instalment
from agreements.permissions import can_handle_payments
from agreements.selectors import payments_for
from core.forms import add_service_errors

PAYMENTS_PER_PAGE = 100


def _instalment(request: AuthenticatedRequest, pk: int) -> Instalment:
    # payments_for is empty for anyone who may not handle payments: the same 404.
    return get_object_or_404(payments_for(request.user), pk=pk)


@login_required
@require_GET
def payment_index(request: AuthenticatedRequest) -> HttpResponse:
    if not can_handle_payments(request.user):
        raise Http404
    filter_form = PaymentFilterForm(request.GET)
    year, status = filter_form.filters()
    payments = payments_for(request.user, year=year, status=status)
    page = Paginator(payments, PAYMENTS_PER_PAGE).get_page(request.GET.get("sida"))
    context = {
        "page": page,
        "filter_form": filter_form,
        # The page's own filters, kept on the pager's links and on the way back from an action.
        "filters": urlencode({k: v for k, v in (("ar", year), ("status", status)) if v}),
        "release_form": ReleaseForm(),
        "paid_form": BookPaidForm(initial={"paid_on": timezone.localdate()}),
    }
    return render(request, "agreements/payments.html", context)


def _back(request: AuthenticatedRequest) -> HttpResponse:
    """Back to the list as it was filtered (only the page's own parameters travel)."""
    kept = QueryDict(str(request.POST.get("query", ""))[:200])
    query = urlencode({k: kept[k] for k in ("ar", "status", "sida") if kept.get(k, "").isalnum()})
    return redirect(reverse("payments:index") + (f"?{query}" if query else ""))


@login_required
@require_POST
def payment_release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    instalment = _instalment(request, pk)
    if not ReleaseForm(request.POST).is_valid():
        messages.error(request, _("Kryssa i att du attesterar utbetalningen."))
        return _back(request)
    try:
        services.release_instalment(instalment=instalment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Utbetalningen är attesterad: %(i)s.") % {"i": instalment})
    return _back(request)


@login_required
@require_POST
def payment_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    instalment = _instalment(request, pk)
    form = BookPaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(request)
    try:
        services.book_instalment_paid(instalment=instalment, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Utbetalningen är bokförd som betald: %(i)s.") % {"i": instalment}
        )
    return _back(request)


@login_required
@require_http_methods(["GET", "POST"])
def payment_import(request: AuthenticatedRequest) -> HttpResponse:
    """Book as paid what the finance system's file says was paid: all rows or none."""
    if not can_handle_payments(request.user):
        raise Http404
    posted = request.method == "POST"
    form = PaidImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            booked = services.book_paid_rows(rows=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, ValidationError({"file": error.messages}))
        else:
            messages.success(
                request, _("%(n)s utbetalningar är bokförda som betalda.") % {"n": len(booked)}
            )
            return redirect("payments:index")
    status = 400 if posted else 200
    return render(request, "agreements/payment_import.html", {"form": form}, status=status)
