"""Reports (återrapporter): the partner writes and submits, the official returns or approves.

Design §3 (Report) and §4 workflow 7. Every step locks the agreement, then the report (the
order every agreement write takes), checks who may do it and that `REPORT_TRANSITIONS` allows
it, and writes the history. A report is written only for a signed agreement. Approval renders
the report once as a sealed PDF/A and stores it with its hash for the archive.
"""

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements import notices
from agreements.models import (
    AgreementStatus,
    IndicatorValue,
    Report,
    ReportAttachment,
    ReportingRequirement,
    ReportStatus,
)
from agreements.permissions import can_review_reports, can_write_report
from agreements.services.lifecycle import lock, touch
from audit.actions import AuditAction
from audit.services import record_event
from core.documents import seal_and_store
from core.uploads import UnsupportedFile, detect_kind, safe_filename

UNSUPPORTED_MESSAGES = {
    "unknown": _("Filen är inte en PDF, ett Word-dokument (.docx) eller en Excel-fil (.xlsx)."),
    "legacy_office": _(
        "Filen är i ett äldre Office-format (.doc eller .xls). Spara den som .docx eller .xlsx "
        "och ladda upp den igen."
    ),
    "macros": _(
        "Filen innehåller makron. Spara den som ett vanligt Word- eller Excel-dokument "
        "(.docx eller .xlsx) och ladda upp den igen."
    ),
    "truncated_pdf": _("PDF-filen är inte hel: slutet saknas. Ladda upp filen som den sparades."),
}


def _locked(requirement: ReportingRequirement) -> tuple[ReportingRequirement, Report | None]:
    """Lock the agreement, then the requirement's report (if any)."""
    agreement = lock(requirement.agreement)
    requirement = ReportingRequirement.objects.get(pk=requirement.pk)
    requirement.agreement = agreement
    report = Report.objects.select_for_update().filter(requirement=requirement).first()
    if report is not None:
        report.requirement = requirement
    return requirement, report


def _check_writer(requirement: ReportingRequirement, report: Report | None, by: User) -> None:
    agreement = requirement.agreement
    if not can_write_report(by, agreement):
        raise ValidationError(_("Bara partnerns användare kan skriva partnerns återrapporter."))
    if agreement.status != AgreementStatus.SIGNED:
        raise ValidationError(
            _("Återrapporter skrivs för en underskriven överenskommelse (den är %(status)s).")
            % {"status": agreement.get_status_display().lower()},
            code="not_signed",
        )
    if report is not None and not report.is_editable:
        raise ValidationError(
            _("Återrapporten är %(status)s och kan inte ändras.")
            % {"status": report.get_status_display().lower()},
            code="not_editable",
        )


@transaction.atomic
def save_report(
    *,
    requirement: ReportingRequirement,
    narrative: str,
    values: Mapping[int, Decimal | None],
    files: Sequence[File[bytes]] = (),
    by: User,
    at: datetime | None = None,
) -> Report:
    """Save the partner's draft: the narrative, key figure values (by indicator id), new files.

    All of it or nothing: a refused file leaves the report as it was. `at`: when it was written,
    for the history, if not now (the demo's story).
    """
    requirement, report = _locked(requirement)
    _check_writer(requirement, report, by)
    created = report is None
    if report is None:
        report = Report(requirement=requirement)
    before = {"narrative": report.narrative}
    report.narrative = narrative
    report.full_clean(exclude=["requirement", "document"])
    report.save()
    touch(requirement.agreement)
    old_values = {v.indicator_id: v.value for v in report.values.all()}
    indicators = {i.pk: i for i in requirement.agreement.indicators.all()}
    for indicator_id, value in values.items():
        if indicator_id not in indicators:
            raise ValidationError(_("Okänt nyckeltal."))
        if value is not None and value < 0:
            raise ValidationError({f"value_{indicator_id}": _("Utfallet kan inte vara negativt.")})
        IndicatorValue.objects.update_or_create(
            report=report, indicator_id=indicator_id, defaults={"value": value}
        )
    changes: dict[str, tuple[object, object]] = {}
    if before["narrative"] != narrative:
        # The text is in the report itself; the history notes that it changed, and how much.
        changes["narrative_chars"] = (len(before["narrative"]), len(narrative))
    changed_values = {
        indicators[k].name: (str(old_values.get(k)), str(v))
        for k, v in values.items()
        if old_values.get(k) != v
    }
    changes.update(changed_values)
    if changes or created:
        record_event(action=AuditAction.REPORT_SAVED, target=report, by=by, changes=changes, at=at)
    stored: list[str] = []
    try:
        for file in files:
            _attach(report, file, by=by, stored=stored, at=at)
    except BaseException:
        for name in stored:  # the rows roll back: their files go too
            default_storage.delete(name)
        raise
    return report


def _attach(
    report: Report, file: File[bytes], *, by: User, stored: list[str], at: datetime | None
) -> None:
    max_bytes = settings.REPORT_ATTACHMENT_MAX_BYTES
    size = int(file.size or 0)
    name = file.name or ""
    if size > max_bytes:
        raise ValidationError(
            {
                "attachments": _("Filen %(name)s är för stor: högst %(mb)s MB.")
                % {"name": name[:100], "mb": max_bytes // (1024 * 1024)}
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError({"attachments": _("Filen %(name)s är tom.") % {"name": name[:100]}})
    limit = settings.REPORT_MAX_ATTACHMENTS
    if report.attachments.count() >= limit:
        raise ValidationError(
            {"attachments": _("En återrapport kan ha högst %(n)s bilagor.") % {"n": limit}}
        )
    try:
        kind = detect_kind(file, size)
    except UnsupportedFile as refused:
        raise ValidationError({"attachments": str(UNSUPPORTED_MESSAGES[str(refused)])}) from None
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    year = report.requirement.agreement.period_start.year
    # Stored under a generated name: the sender's name is only shown, never a path.
    path = default_storage.save(f"reports/attachments/{year}/{uuid.uuid4().hex}.{kind}", file)
    stored.append(path)
    attachment = ReportAttachment.objects.create(
        report=report,
        file=path,
        name=safe_filename(name, kind=kind),
        kind=kind,
        sha256=digest.hexdigest(),
        size=size,
        uploaded_by=by,
    )
    record_event(
        action=AuditAction.REPORT_ATTACHMENT_ADDED,
        target=report,
        by=by,
        changes={"attachment": (None, f"{attachment.name} ({attachment.sha256})")},
        at=at,
    )


@transaction.atomic
def remove_attachment(*, attachment: ReportAttachment, by: User) -> None:
    """Take a file off a report the partner is still writing (the history keeps its hash)."""
    requirement, report = _locked(attachment.report.requirement)
    _check_writer(requirement, report, by)
    if report is None:
        raise ValidationError(_("Återrapporten finns inte."))
    attachment = ReportAttachment.objects.get(pk=attachment.pk, report=report)
    name = str(attachment.file.name)
    record_event(
        action=AuditAction.REPORT_ATTACHMENT_REMOVED,
        target=report,
        by=by,
        changes={"attachment": (f"{attachment.name} ({attachment.sha256})", None)},
    )
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(name))


def _missing(report: Report) -> list[str]:
    """What a complete report still lacks, in words for the partner."""
    missing = []
    if not report.narrative.strip():
        missing.append(str(_("redogörelsen")))
    for indicator, value in report.key_figures():
        if value is None:
            missing.append(str(_("utfallet för %(name)s")) % {"name": indicator.name.lower()})
    return missing


@transaction.atomic
def submit_report(*, report: Report, by: User, at: datetime | None = None) -> Report:
    """Hand the report in for review. Refused until the narrative and every key figure are there."""
    requirement, locked = _locked(report.requirement)
    _check_writer(requirement, locked, by)
    if locked is None:
        raise ValidationError(_("Spara återrapporten innan du lämnar in den."))
    missing = _missing(locked)
    if missing:
        raise ValidationError(
            _("Återrapporten är inte komplett. Fyll i %(missing)s.")
            % {"missing": ", ".join(missing)},
            code="incomplete",
        )
    return _move(locked, ReportStatus.SUBMITTED, by=by, at=at)


def _check_reviewer(report: Report | None, by: User | None) -> Report:
    if by is not None and not can_review_reports(by):
        raise ValidationError(_("Bara regionens handläggare granskar återrapporter."))
    if report is None or not report.can_be_reviewed:
        raise ValidationError(_("Bara en inlämnad återrapport kan granskas."), code="not_submitted")
    return report


@transaction.atomic
def return_report(
    *, report: Report, comment: str, by: User | None, at: datetime | None = None
) -> Report:
    """Send the report back to the partner with what must be completed."""
    if not comment.strip():
        raise ValidationError({"comment": _("Skriv vad partnern behöver komplettera.")})
    _requirement, locked = _locked(report.requirement)
    locked = _check_reviewer(locked, by)
    locked.review_comment = comment
    locked.full_clean(exclude=["requirement", "document"])
    return _move(locked, ReportStatus.RETURNED, by=by, at=at, reason=comment)


@transaction.atomic
def approve_report(*, report: Report, by: User | None, at: datetime | None = None) -> Report:
    """Approve; render the report once as a sealed PDF/A and store it with its hash."""
    from agreements.report_pdf import render_report_pdf

    requirement, locked = _locked(report.requirement)
    locked = _check_reviewer(locked, by)
    agreement, when = requirement.agreement, at or timezone.now()
    stored = seal_and_store(
        render_report_pdf(locked, approved_at=when, approved_by=by),
        stem=f"reports/approved/{agreement.period_start.year}/{agreement.reference}-"
        f"R{requirement.pk}",
        reason=f"Återrapport för {agreement.reference}, godkänd",
    )
    locked.document, locked.document_sha256 = stored.name, stored.sha256
    locked.document_size = stored.size
    try:
        return _move(locked, ReportStatus.APPROVED, by=by, at=when)
    except BaseException:
        default_storage.delete(stored.name)
        raise


def _move(
    report: Report, to: str, *, by: User | None, at: datetime | None, reason: str = ""
) -> Report:
    if not report.can_become(to):
        raise ValidationError(
            _("En återrapport som är %(from)s kan inte bli %(to)s.")
            % {"from": report.get_status_display().lower(), "to": ReportStatus(to).label.lower()}
        )
    old, when = report.status, at or timezone.now()
    touch(report.requirement.agreement)
    report.status = to
    if to == ReportStatus.SUBMITTED:
        report.submitted_at, report.submitted_by = when, by
    else:
        report.reviewed_at, report.reviewed_by = when, by
    report.save()
    action = {
        ReportStatus.SUBMITTED: AuditAction.REPORT_SUBMITTED,
        ReportStatus.RETURNED: AuditAction.REPORT_RETURNED,
        ReportStatus.APPROVED: AuditAction.REPORT_APPROVED,
    }[ReportStatus(to)]
    changes: dict[str, tuple[object, object]] = {"status": (old, to)}
    if to == ReportStatus.APPROVED:
        changes["document"] = (None, report.document_sha256)
    record_event(action=action, target=report, by=by, changes=changes, reason=reason, at=when)
    if to == ReportStatus.SUBMITTED:
        notices.report_submitted(report)
    elif to == ReportStatus.RETURNED:
        notices.report_returned(report)
    return report
