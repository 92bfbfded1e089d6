"""The approved report as a PDF/A (issue 15): what the archive keeps of a partner's report.

Rendered once, when an official approves the report, then sealed and stored with its hash by
`agreements.services.reports`; never rendered again. It carries the narrative, the key figures
against their targets, and the attachments by name and SHA-256 (the files travel beside it in
the archive bundle). A JSON record of the same rides inside the PDF.
"""

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from accounts.models import User
from agreements.models import Report
from core.pdf import PdfAttachment, render_pdf


def report_record(
    report: Report, *, approved_at: datetime, approved_by: User | None
) -> dict[str, Any]:
    requirement, agreement = report.requirement, report.requirement.agreement
    return {
        "schema": "halland-grundfinansiering/report/1",
        "agreement": {"reference": agreement.reference, "version": agreement.version},
        "partner": {
            "name": agreement.partner.legal_name,
            "organisation_number": agreement.partner.organisation_number or None,
        },
        "requirement": {"description": requirement.description, "due_date": requirement.due_date},
        "narrative": report.narrative,
        "key_figures": [
            {"name": i.name, "unit": i.unit, "target": i.target, "value": value}
            for i, value in report.key_figures()
        ],
        "attachments": [
            {"name": a.name, "kind": a.kind, "size": a.size, "sha256": a.sha256}
            for a in report.attachments.all()
        ],
        "submitted_at": report.submitted_at,
        "approved_at": approved_at,
        "approved_by": approved_by.display_name if approved_by else None,
        "is_example_data": agreement.is_example_data,
    }


def render_report_pdf(report: Report, *, approved_at: datetime, approved_by: User | None) -> bytes:
    report = (
        Report.objects.select_related("requirement__agreement__partner", "submitted_by")
        .prefetch_related("values", "attachments", "requirement__agreement__indicators")
        .get(pk=report.pk)
    )
    agreement = report.requirement.agreement
    context = {
        "report": report,
        "agreement": agreement,
        "key_figures": report.key_figures(),
        "approved_at": approved_at,
        "approved_by": approved_by,
        "region_name": settings.REGION_NAME,
        "verify_url": settings.SITE_URL.rstrip("/") + "/verify/",
        "rendered_at": approved_at,
    }
    record = report_record(report, approved_at=approved_at, approved_by=approved_by)
    attachment = PdfAttachment(
        name=f"{agreement.reference}-aterrapport-{report.requirement.due_date}.json",
        content=json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        description="Återrapporten som maskinläsbar post (JSON)",
    )
    with translation.override("sv"):
        return render_pdf("pdf/report.html", context, attachments=[attachment])
