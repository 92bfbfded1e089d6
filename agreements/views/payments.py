"""The officials' payments page: instalments to release (attest), released ones to book as paid,
and what has been paid (design §4 workflow 8). Each view: officials only (anyone else gets the
same 404 as for a page that does not exist) → a selector or a service → render or redirect."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from agreements import services
from agreements.filters import PaymentFilter
from agreements.forms import BookPaidForm, PaidImportForm, ReleaseForm
from agreements.models import Instalment
from agreements.permissions import can_handle_payments
from agreements.selectors import payments_for, recoveries_for
from audit.cache import per_revision, revision_keys
from core.filters import PAGE_PARAM, ListChoices, list_page_key, page_number
from core.forms import add_service_errors
from core.generation_cache import reads_ahead
from core.views import CSRF_SLOT, run_service, with_csrf_token

# Each row carries its own form (release, or book as paid): twenty-five keep the page quick.
PAYMENTS_PER_PAGE = 25


def _instalment(request: AuthenticatedRequest, pk: int) -> Instalment:
    # payments_for is empty for anyone who may not handle payments: the same 404.
    return get_object_or_404(payments_for(request.user), pk=pk)


def _results(request: AuthenticatedRequest, filters: str) -> SafeString:
    """The table of payments with its forms and pager, and the recoveries: rendered once per
    recorded change, filters, page, day and language (audit.cache), since each row carries its
    own form. Every change to an instalment or a termination is recorded, which moves the
    revision on. The queries are built only when rendering: building them, and reading the
    recoveries, cost more than the rest of the page (issue 18)."""
    number = page_number(request.GET.get(PAGE_PARAM))
    today = timezone.localdate()

    def render_results() -> str:
        listed = PaymentFilter(request.GET, queryset=payments_for(request.user))
        context = {
            "page": Paginator(listed.qs, PAYMENTS_PER_PAGE).get_page(number),
            "filters": filters,
            "paid_form": BookPaidForm(initial={"paid_on": today}),
            "csrf_token": CSRF_SLOT,
            # Owed to the region after a termination: shown apart from the payments (issue 17).
            "recoveries": list(recoveries_for(request.user)),
        }
        return render_to_string("agreements/payments.html#results", context)

    key = list_page_key("payments", filters=filters, page=number)
    return with_csrf_token(per_revision(key, render_results), request)


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_GET
def payment_index(request: AuthenticatedRequest) -> HttpResponse:
    if not can_handle_payments(request.user):
        raise Http404
    # The page's own choices, kept on the pager's links and on the way back from an action.
    choices = ListChoices(PaymentFilter, Instalment, request.GET)
    filters = choices.query
    context = {
        "choices": choices,
        "filters": filters,
        "results": _results(request, filters),
    }
    return render(request, "agreements/payments.html", context)


def _back(request: AuthenticatedRequest) -> HttpResponse:
    """Back to the list as it was filtered: the posted choices are checked again like the
    address bar's, and only valid ones travel."""
    kept = QueryDict(str(request.POST.get("query", ""))[:1000])
    query = ListChoices(PaymentFilter, Instalment, kept).query
    page = kept.get(PAGE_PARAM, "")
    if page.isascii() and page.isdigit() and len(page) < 7:
        query = "&".join(q for q in (query, f"{PAGE_PARAM}={page}") if q)
    return redirect(reverse("payments:index") + (f"?{query}" if query else ""))


@login_required
@require_POST
def payment_release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    instalment = _instalment(request, pk)
    if not ReleaseForm(request.POST).is_valid():
        messages.error(request, _("Kryssa i att du attesterar utbetalningen."))
        return _back(request)
    release = partial(services.release_instalment, instalment=instalment, by=request.user)
    run_service(request, release, done=_("Utbetalningen är attesterad: %(i)s.") % {"i": instalment})
    return _back(request)


@login_required
@require_POST
def payment_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    instalment = _instalment(request, pk)
    form = BookPaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(request)
    book = partial(services.book_instalment_paid, instalment=instalment, by=request.user)
    done = _("Utbetalningen är bokförd som betald: %(i)s.") % {"i": instalment}
    run_service(request, partial(book, **form.cleaned_data), done=done)
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
