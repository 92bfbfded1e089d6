"""The allocation editor's upload (issue 19): a CSV or Excel file of the year's split, compared
with the saved amounts, saved as a draft only when the official confirms. Officials who may
edit the allocations only (others: 403; partners: 404 like the editor)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from core.money import ZERO
from funding import services
from funding.forms.upload import AllocationUploadConfirmForm, AllocationUploadForm
from funding.models import Programme
from funding.permissions import can_edit_allocations
from funding.selectors import allocation_editor_rows
from funding.services.upload import UploadedAmount, pack_upload, read_allocation_file, unpack_upload
from funding.views.budget import _tell_saved, programme_or_404


def _editable(request: AuthenticatedRequest, year: int, slug: str) -> Programme:
    programme = programme_or_404(request, year, slug)
    if not can_edit_allocations(request.user, programme):
        raise PermissionDenied
    return programme


def _comparison(
    request: AuthenticatedRequest, programme: Programme, amounts: list[UploadedAmount]
) -> HttpResponse:
    """The confirmation page: each row of the file against what is saved, and the total."""
    rows = allocation_editor_rows(programme=programme)
    new = {a.partner.pk: a.new for a in amounts}
    total = sum((new.get(r.partner.pk, r.amount or ZERO) for r in rows), ZERO)
    token = pack_upload(programme=programme, amounts=amounts)
    context = {
        "programme": programme,
        "amounts": amounts,
        "changed": sum(1 for a in amounts if a.changes),
        "total": total,
        "over_by": max(ZERO, total - programme.ceiling),
        "form": AllocationUploadConfirmForm(initial={"token": token}),
    }
    return render(request, "funding/allocation_upload_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def allocation_upload(request: AuthenticatedRequest, year: int, slug: str) -> HttpResponse:
    programme = _editable(request, year, slug)
    posted = request.method == "POST"
    form = AllocationUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        rows = allocation_editor_rows(programme=programme)
        try:
            amounts = read_allocation_file(raw=form.cleaned_data["file"], rows=rows)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return _comparison(request, programme, amounts)
    context = {"programme": programme, "form": form}
    return render(request, "funding/allocation_upload.html", context, status=400 if posted else 200)


@login_required
@require_POST
def allocation_upload_confirm(request: AuthenticatedRequest, year: int, slug: str) -> HttpResponse:
    programme = _editable(request, year, slug)
    form = AllocationUploadConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors.values()))
        amounts, versions = unpack_upload(token=form.cleaned_data["token"], programme=programme)
        result = services.set_allocations(
            programme=programme,
            amounts=amounts,
            expected_versions=versions,
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as error:
        # Nothing was saved: a stale comparison, a forged token or a rule refused a row.
        for message in error.messages:
            messages.error(request, message)
        return redirect("funding:allocation_upload", year, slug)
    _tell_saved(request, result)
    return redirect("funding:allocations", year, slug)
