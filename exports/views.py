"""Downloads of a budget year (a workbook, CSV per table, the open 360Giving file) and the
payment list for the finance system."""

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from agreements.models import InstalmentStatus
from agreements.permissions import can_handle_payments
from agreements.selectors import payments_for, recoveries_for
from exports.giving360 import grants_package
from exports.permissions import can_export_budget_year
from exports.tables import (
    TABLES,
    Table,
    payment_list_table,
    recovery_list_table,
    year_tables,
)
from exports.writers import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, csv_lines, write_xlsx
from funding.models import BudgetYear
from funding.selectors import budget_years_for


def _exportable_year(request: AuthenticatedRequest, year: int) -> BudgetYear:
    if not can_export_budget_year(request.user):
        raise Http404
    return get_object_or_404(budget_years_for(request.user), year=year)


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
@never_cache  # a document or export: Cache-Control: private, no-store (issue 13)
@require_GET
def budget_year_xlsx(request: AuthenticatedRequest, year: int) -> HttpResponse:
    budget_year = _exportable_year(request, year)
    buffer = io.BytesIO()
    write_xlsx(year_tables(budget_year=budget_year), buffer)
    return _attachment(
        buffer.getvalue(), content_type=XLSX_MEDIA_TYPE, filename=f"budget-{year}.xlsx"
    )


@login_required
@never_cache  # a document or export: Cache-Control: private, no-store (issue 13)
@require_GET
def budget_year_csv(request: AuthenticatedRequest, year: int, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    budget_year = _exportable_year(request, year)
    exported = TABLES[table](budget_year=budget_year)
    # Built whole before sending: a failure half-way is an error page, not a cut-off file.
    return _attachment(
        b"".join(csv_lines(exported)),
        content_type=CSV_MEDIA_TYPE,
        filename=f"budget-{year}-{exported.file_stem}.csv",
    )


@require_GET
def open_data(request: HttpRequest, year: int) -> HttpResponse:
    """Open to everyone: grants the growth committee decided are public records
    (offentlighetsprincipen, TF 2 kap.), published with its minutes. The file holds nothing
    else: no drafts, no payment plans, no people."""
    budget_year = get_object_or_404(BudgetYear, year=year)
    url = request.build_absolute_uri(reverse("exports:open_data", args=[year]))
    package = grants_package(budget_year=budget_year, download_url=url, issued=timezone.localdate())
    if package is None:
        # The standard requires at least one grant: a year without decided grants has no file.
        raise Http404
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    # Open data: any web page may read it (no cookies are involved; nothing else is shared).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _payment_list(request: AuthenticatedRequest) -> Table:
    if not can_handle_payments(request.user):
        raise Http404
    return payment_list_table(payments_for(request.user, status=InstalmentStatus.RELEASED))


@login_required
@never_cache
@require_GET
def payment_list_csv(request: AuthenticatedRequest) -> HttpResponse:
    table = _payment_list(request)
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    return _attachment(
        b"".join(csv_lines(table)),
        content_type=CSV_MEDIA_TYPE,
        filename=f"{table.file_stem}-{stamp}.csv",
    )


@login_required
@never_cache
@require_GET
def payment_list_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """The payment list, and on a sheet of its own what partners owe after a termination."""
    table = _payment_list(request)
    buffer = io.BytesIO()
    write_xlsx([table, recovery_list_table(recoveries_for(request.user))], buffer)
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    return _attachment(
        buffer.getvalue(), content_type=XLSX_MEDIA_TYPE, filename=f"{table.file_stem}-{stamp}.xlsx"
    )


@login_required
@never_cache
@require_GET
def recovery_list_csv(request: AuthenticatedRequest) -> HttpResponse:
    """What partners owe the region after a termination (återkrav), to invoice: a file of its
    own, so the finance system never reads a claim as a payment."""
    if not can_handle_payments(request.user):
        raise Http404
    table = recovery_list_table(recoveries_for(request.user))
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    return _attachment(
        b"".join(csv_lines(table)),
        content_type=CSV_MEDIA_TYPE,
        filename=f"{table.file_stem}-{stamp}.csv",
    )
