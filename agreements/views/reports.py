"""Report pages: the partner writes and submits a report, the official approves or returns it.

Design §4 workflow 7, `/agreements/<reference>/reports/<id>/` (the id is the reporting
requirement's: the page exists before the report does). Each view: find the agreement in the
user's scope (another partner's is a 404, like one that does not exist) → check the action →
call a service → redirect or render. Files are served only after that same check.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedRequest
from agreements import services
from agreements.forms import ApproveForm, ReportWriteForm, ReturnForm
from agreements.models import AgreementStatus, ReportAttachment, ReportingRequirement, ReportStatus
from agreements.permissions import can_review_reports, can_write_report
from agreements.selectors import (
    agreements_for,
    attachment_for,
    report_history,
    requirement_detail,
)
from core.documents import stored_file_response
from core.limits import limit_body
from core.views import run_service, submitted

# Besides the files: the narrative (50 000 characters, up to 200 kB in UTF-8), key figures and
# the multipart headers.
REPORT_FORM_OVERHEAD = 512 * 1024


def _requirement(request: AuthenticatedRequest, reference: str, pk: int) -> ReportingRequirement:
    agreement = agreements_for(request.user).filter(reference=reference).first()
    requirement = requirement_detail(agreement, pk) if agreement is not None else None
    if requirement is None:
        raise Http404
    return requirement


def _may_write(request: AuthenticatedRequest, requirement: ReportingRequirement) -> bool:
    report = requirement.current_report
    return (
        can_write_report(request.user, requirement.agreement)
        and requirement.agreement.status == AgreementStatus.SIGNED
        and (report is None or report.is_editable)
    )


def _write_form(
    request: AuthenticatedRequest, requirement: ReportingRequirement
) -> ReportWriteForm:
    report = requirement.current_report
    values = {f"value_{i.pk}": value for i, value in report.key_figures()} if report else {}
    posted = request.method == "POST"
    return ReportWriteForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        indicators=list(requirement.agreement.indicators.all()),
        initial={"narrative": report.narrative if report else "", **values},
    )


def _save(
    request: AuthenticatedRequest,
    requirement: ReportingRequirement,
    form: ReportWriteForm,
    *,
    submit: bool,
) -> None:
    """Save the draft (and its files), then hand it in if asked."""
    report = services.save_report(
        requirement=requirement,
        narrative=form.cleaned_data["narrative"],
        values=form.values(),
        files=form.cleaned_data["attachments"],
        by=request.user,
    )
    if submit:
        services.submit_report(report=report, by=request.user)


@login_required
@limit_body("REPORT_ATTACHMENT_MAX_BYTES", overhead=REPORT_FORM_OVERHEAD)
@never_cache
@require_http_methods(["GET", "POST"])
def report_view(request: AuthenticatedRequest, reference: str, pk: int) -> HttpResponse:
    requirement = _requirement(request, reference, pk)
    writable = _may_write(request, requirement)
    if request.method == "POST" and not writable:
        raise PermissionDenied
    form = _write_form(request, requirement) if writable else None
    if form is not None and request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        save = partial(_save, request, requirement, form, submit=submit)
        # Refused: the typed text stays in the form, with the reason on it.
        if run_service(request, save, done=str(SAVED[submit]), form=form):
            return redirect("agreements:report", reference, pk)
    return render(
        request,
        "agreements/report.html",
        _context(request, requirement, form),
        status=400 if request.method == "POST" else 200,
    )


def _context(
    request: AuthenticatedRequest, requirement: ReportingRequirement, form: ReportWriteForm | None
) -> dict[str, object]:
    report = requirement.current_report
    return {
        "agreement": requirement.agreement,
        "requirement": requirement,
        "report": report,
        "overdue": requirement.is_overdue(timezone.localdate()),
        "form": form,
        "key_figures": report.key_figures()
        if report
        else [(i, None) for i in requirement.agreement.indicators.all()],
        "can_review": report is not None
        and report.can_be_reviewed
        and can_review_reports(request.user),
        "approve_form": ApproveForm(),
        "return_form": ReturnForm(),
        "history": report_history(report),
    }


# What the partner is told: saved as a draft, or handed in.
SAVED = {
    False: gettext_lazy("Återrapporten är sparad som utkast."),
    True: gettext_lazy("Återrapporten är inlämnad. Regionens handläggare granskar den."),
}


def _reviewed(request: AuthenticatedRequest, reference: str, pk: int) -> ReportingRequirement:
    requirement = _requirement(request, reference, pk)
    if not can_review_reports(request.user):
        raise PermissionDenied
    return requirement


@login_required
@require_POST
def report_approve(request: AuthenticatedRequest, reference: str, pk: int) -> HttpResponse:
    requirement = _reviewed(request, reference, pk)
    report = requirement.current_report
    if report is None or not ApproveForm(request.POST).is_valid():
        messages.error(request, _("Kryssa i att du har granskat och godkänner återrapporten."))
        return redirect("agreements:report", reference, pk)
    approve = partial(services.approve_report, report=report, by=request.user)
    run_service(request, approve, done=_("Återrapporten är godkänd."))
    return redirect("agreements:report", reference, pk)


@login_required
@require_POST
def report_return(request: AuthenticatedRequest, reference: str, pk: int) -> HttpResponse:
    requirement = _reviewed(request, reference, pk)
    report, form = requirement.current_report, ReturnForm(request.POST)
    done = _("Återrapporten är returnerad till partnern.")
    if report is not None and submitted(
        request, form, partial(services.return_report, report=report, by=request.user), done=done
    ):
        return redirect("agreements:report", reference, pk)
    context = {**_context(request, requirement, None), "return_form": form}
    return render(request, "agreements/report.html", context, status=400)


def _attachment(
    request: AuthenticatedRequest, reference: str, pk: int, attachment_id: int
) -> ReportAttachment:
    """The file, in what the user may see; another partner's is a 404 like a missing one."""
    attachment = attachment_for(
        user=request.user, reference=reference, requirement_id=pk, pk=attachment_id
    )
    if attachment is None:
        raise Http404
    return attachment


@login_required
@never_cache
@require_GET
def attachment_download(
    request: AuthenticatedRequest, reference: str, pk: int, attachment_id: int
) -> HttpResponseBase:
    attachment = _attachment(request, reference, pk, attachment_id)
    return stored_file_response(
        attachment.file,
        sha256=attachment.sha256,
        filename=attachment.name,
        content_type=CONTENT_TYPES[attachment.kind],
    )


@login_required
@require_POST
def attachment_remove(
    request: AuthenticatedRequest, reference: str, pk: int, attachment_id: int
) -> HttpResponse:
    attachment = _attachment(request, reference, pk, attachment_id)
    if not can_write_report(request.user, attachment.report.requirement.agreement):
        raise PermissionDenied
    remove = partial(services.remove_attachment, attachment=attachment, by=request.user)
    run_service(
        request, remove, done=_("Bilagan %(name)s är borttagen.") % {"name": attachment.name}
    )
    return redirect("agreements:report", reference, pk)


@login_required
@never_cache
@require_GET
def report_pdf(request: AuthenticatedRequest, reference: str, pk: int) -> HttpResponseBase:
    """The approved report as sealed at approval, byte for byte as stored."""
    report = _requirement(request, reference, pk).current_report
    if report is None or report.status != ReportStatus.APPROVED or not report.document:
        raise Http404
    return stored_file_response(
        report.document,
        sha256=report.document_sha256,
        filename=f"{reference}-aterrapport-{report.requirement.due_date:%Y-%m-%d}.pdf",
    )


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
