"""Budget pages: the year's overview, the allocation editor, its history, starting a new year.

Each view: authorise (objects are looked up in the user's selectors, so partners get 404) →
call a selector or service → render.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from accounts.permissions import is_official
from audit.cache import per_revision, revision_keys
from core.generation_cache import reads_ahead
from core.money import format_amount
from core.views import CSRF_SLOT, with_csrf_token
from funding import services
from funding.forms.budget import AllocationsForm, StartYearForm
from funding.models import BudgetYear, Programme
from funding.permissions import can_edit_allocations, can_manage_budget, can_view_budget
from funding.selectors import (
    EditorRow,
    EditorTotals,
    allocation_editor_rows,
    budget_overview,
    budget_years_for,
    editor_totals,
    programme_history,
    programmes_for,
)


def _budget_year(request: HttpRequest, year: int) -> BudgetYear:
    return get_object_or_404(budget_years_for(request.user), year=year)


def programme_or_404(request: HttpRequest, year: int, slug: str) -> Programme:
    """The programme of the URL, if the user may see it (also for funding.views.amendments)."""
    return get_object_or_404(programmes_for(request.user), budget_year__year=year, slug=slug)


@login_required
@require_GET
def budget_index(request: AuthenticatedRequest) -> HttpResponse:
    years = budget_years_for(request.user)
    if not can_view_budget(request.user):
        raise Http404
    return render(request, "funding/budget_index.html", {"years": years})


def _overview_page(request: HttpRequest, year: int) -> str:
    """The overview as saved, rendered once per revision, language and whether the user may
    start the next year: with 300 partners its figures are most of the page's time, and the
    page is the same for every member of staff until the next recorded change.

    Every change of money, partners, programmes or years goes through a service that records
    it and moves the revision on, so a copy cached under the revision read *before* the page
    was rendered cannot be stale. Who may see it (staff, in Python: no query) is checked on
    every request; an unknown year is a 404 that is never cached. Its one form's CSRF slot is
    filled per response."""
    if not can_view_budget(request.user):
        raise Http404
    manages = can_manage_budget(request.user)

    def page() -> str:
        budget_year = _budget_year(request, year)
        context = {
            "budget_year": budget_year,
            "overview": budget_overview(budget_year=budget_year),
            "can_start_next": manages and not BudgetYear.objects.filter(year=year + 1).exists(),
            "start_form": StartYearForm(),
            "csrf_token": CSRF_SLOT,
        }
        return render_to_string("funding/overview.html#page", context)

    return per_revision(f"budget-overview:{year}:{manages}:{get_language()}", page)


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_GET
def overview(request: AuthenticatedRequest, year: int) -> HttpResponse:
    saved_page = with_csrf_token(_overview_page(request, year), request)
    return render(request, "funding/overview.html", {"year": year, "saved_page": saved_page})


@dataclass(frozen=True)
class EditorTable:
    """The editor's rows rendered, their totals, and whether any row can still be edited."""

    rows_html: str
    totals: EditorTotals
    editable: bool


def _table(
    request: HttpRequest, programme: Programme, rows: list[EditorRow], form: AllocationsForm
) -> EditorTable:
    can_edit = can_edit_allocations(request.user, programme)
    inputs = form.amount_inputs() if can_edit else {}
    context = {
        "programme": programme,
        "can_edit": can_edit,
        "lines": [(row, inputs.get(row.partner.pk)) for row in rows],
    }
    return EditorTable(
        rows_html=render_to_string("funding/allocation_editor.html#rows", context, request),
        totals=editor_totals(programme=programme, rows=rows, typed=form.typed_amounts()),
        editable=bool(form.rows),
    )


# The longest slug a programme has: a longer one in the URL is a 404 before it reaches a key.
SLUG_LENGTH = Programme._meta.get_field("slug").max_length or 0


@dataclass(frozen=True)
class SavedEditor:
    """The allocation editor's page as saved, rendered once per revision (its CSRF slot filled
    per response)."""

    programme_name: str
    html: str


def _saved_editor(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    """The page as saved is the same for everyone who may edit it (or only see it) until the
    next recorded change: its 300 and more rows, totals and form are read and rendered once
    per revision and language, as the overview is (audit.cache). Who may see it
    (staff, in Python: no query) is checked on every request; the programme comes from the
    cache, and an unknown one is a 404 that is never cached."""
    if not can_view_budget(request.user) or len(slug) > SLUG_LENGTH:  # no such programme
        raise Http404
    official = is_official(request.user)

    def page() -> SavedEditor:
        programme = programme_or_404(request, year, slug)
        rows = allocation_editor_rows(programme=programme)
        form = AllocationsForm(rows=rows)
        context = _editor_context(request, programme, _table(request, programme, rows, form), form)
        html = render_to_string(
            "funding/allocation_editor.html#page", {**context, "csrf_token": CSRF_SLOT}
        )
        return SavedEditor(programme.name, html)

    saved = per_revision(f"allocation-editor:{year}:{slug}:{official}:{get_language()}", page)
    context = {
        "programme_name": saved.programme_name,
        "saved_page": with_csrf_token(saved.html, request),
    }
    return render(request, "funding/allocation_editor.html", context)


def _editor_context(
    request: HttpRequest,
    programme: Programme,
    table: EditorTable,
    form: AllocationsForm | None,
    *,
    conflicts: list[services.Conflict] | None = None,
) -> dict[str, object]:
    return {
        "programme": programme,
        "programme_name": programme.name,
        "budget_year": programme.budget_year,
        "rows_html": mark_safe(table.rows_html),  # noqa: S308 - our own template's output
        "editable": table.editable,
        "form": form or AllocationsForm(rows=[]),  # the reason: the table is done already
        "can_edit": can_edit_allocations(request.user, programme),
        "totals": table.totals,
        "conflicts": conflicts or [],
    }


def _editor(
    request: HttpRequest,
    programme: Programme,
    table: EditorTable,
    form: AllocationsForm | None,
    *,
    conflicts: list[services.Conflict] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _editor_context(request, programme, table, form, conflicts=conflicts)
    return render(request, "funding/allocation_editor.html", context, status=status)


def _conflict(
    request: HttpRequest,
    programme: Programme,
    form: AllocationsForm,
    stale: services.StaleAllocationsError,
) -> HttpResponse:
    """Someone saved meanwhile: what was typed stays, with what is saved now next to it."""
    fresh = allocation_editor_rows(programme=programme)
    form = form.with_versions_of(stale.conflicts, fresh)
    form.add_error(None, stale)
    table = _table(request, programme, fresh, form)
    return _editor(request, programme, table, form, conflicts=stale.conflicts, status=409)


@reads_ahead(revision_keys)  # the revision comes with the session
@login_required
@require_http_methods(["GET", "POST"])
def allocation_editor(request: AuthenticatedRequest, year: int, slug: str) -> HttpResponse:
    if request.method == "GET":
        return _saved_editor(request, year, slug)
    programme = programme_or_404(request, year, slug)
    if not can_edit_allocations(request.user, programme):
        raise PermissionDenied
    rows = allocation_editor_rows(programme=programme)
    form = AllocationsForm(request.POST, rows=rows)
    if "preview" in request.POST or not form.is_valid():
        table, status = _table(request, programme, rows, form), 200 if form.is_valid() else 400
        return _editor(request, programme, table, form, status=status)
    try:
        result = services.set_allocations(
            programme=programme,
            amounts=form.amounts(),
            expected_versions=form.versions(),
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except services.StaleAllocationsError as stale:
        return _conflict(request, programme, form, stale)
    except ValidationError as error:
        form.add_service_error(error)
        return _editor(request, programme, _table(request, programme, rows, form), form, status=400)
    _tell_saved(request, result)
    return redirect("funding:allocations", year, slug)


def _tell_saved(request: HttpRequest, result: services.AllocationResult) -> None:
    if result.changed:
        messages.success(
            request,
            ngettext(
                "Fördelningen är sparad (%(n)s belopp ändrades).",
                "Fördelningen är sparad (%(n)s belopp ändrades).",
                len(result.changed),
            )
            % {"n": len(result.changed)},
        )
    else:
        messages.info(request, _("Inga belopp ändrades."))
    if result.over_ceiling_by:
        messages.warning(
            request,
            _(
                "Summan överstiger taket med %(over)s. Utkastet är sparat, men det kan inte "
                "beslutas förrän det ryms inom taket."
            )
            % {"over": format_amount(result.over_ceiling_by)},
        )


@login_required
@require_POST
def allocation_totals(request: AuthenticatedRequest, year: int, slug: str) -> HttpResponse:
    """htmx: the totals box recomputed by the server from what is typed (nothing is saved)."""
    programme = programme_or_404(request, year, slug)
    rows = allocation_editor_rows(programme=programme)
    form = AllocationsForm(request.POST, rows=rows)
    form.is_valid()
    totals = editor_totals(programme=programme, rows=rows, typed=form.typed_amounts())
    context = {"programme": programme, "totals": totals}
    return render(request, "funding/allocation_editor.html#totals", context)


@login_required
@require_GET
def history(request: AuthenticatedRequest, year: int, slug: str) -> HttpResponse:
    programme = programme_or_404(request, year, slug)
    page = Paginator(programme_history(programme=programme), 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "funding/history.html",
        {"programme": programme, "budget_year": programme.budget_year, "page": page},
    )


@login_required
@require_POST
def start_next_year(request: AuthenticatedRequest, year: int) -> HttpResponse:
    budget_year = _budget_year(request, year)
    if not can_manage_budget(request.user):
        raise PermissionDenied
    form = StartYearForm(request.POST)
    if not form.is_valid():  # pragma: no cover - a checkbox cannot be invalid
        return redirect("funding:overview", year)
    try:
        new = services.start_next_budget_year(
            previous=budget_year,
            copy_amounts=form.cleaned_data["copy_amounts"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("funding:overview", year)
    messages.success(request, _("Budgetår %(year)s är startat.") % {"year": new.year})
    return redirect("funding:overview", new.year)
