"""Archive bundles: request one for a budget year, watch its progress, download it."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest
from archive import services
from archive.models import ArchiveBundle, BundleStatus
from archive.permissions import can_make_bundles
from core.documents import stored_file_response
from funding.models import BudgetYear


class BundleForm(forms.Form):
    budget_year = forms.ModelChoiceField(
        label=_("Budgetår"), queryset=BudgetYear.objects.order_by("-year"), empty_label=None
    )


def _only_secretaries(request: AuthenticatedRequest) -> None:
    if not can_make_bundles(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def bundle_index(request: AuthenticatedRequest) -> HttpResponse:
    _only_secretaries(request)
    form = BundleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        bundle = services.request_bundle(
            budget_year=form.cleaned_data["budget_year"], by=request.user
        )
        return redirect("archive:detail", bundle.pk)
    bundles = ArchiveBundle.objects.select_related("budget_year", "requested_by")[:50]
    return render(request, "archive/index.html", {"form": form, "bundles": bundles})


@login_required
@require_GET
def bundle_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _only_secretaries(request)
    bundle = get_object_or_404(ArchiveBundle.objects.select_related("budget_year"), pk=pk)
    context = {
        "bundle": bundle,
        "running": bundle.status in (BundleStatus.QUEUED, BundleStatus.RUNNING),
    }
    template = "archive/detail.html#progress" if request.htmx else "archive/detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_GET
def bundle_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    _only_secretaries(request)
    bundle = get_object_or_404(ArchiveBundle, pk=pk, status=BundleStatus.DONE)
    return stored_file_response(
        bundle.file,
        sha256=bundle.sha256,
        filename=f"arkivpaket-{bundle.budget_year.year}.zip",
        content_type="application/zip",
    )
