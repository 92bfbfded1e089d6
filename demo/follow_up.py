"""The demo's life after the signatures (issue 15): reports, reviews and payments of 2024.

Played through the same services the pages use, with the dates the story gives (all
Exempeldata): one agreement fully reported and paid and then completed, one with an approved
report, a released instalment and a returned final report, one with a report waiting for review
and an overdue one. Idempotent like the rest of the demo: a step already taken is skipped.
"""

import io
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from openpyxl import Workbook

from accounts.models import User
from agreements import services as agreements
from agreements.models import Agreement, AgreementStatus, InstalmentStatus, Report
from audit.services import dated
from demo import facts
from demo.story import COMPLETED


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def example_pdf(title: str) -> bytes:
    """A one-page PDF saying what it stands in for: a real file for the demo's attachments."""
    text = f"{title} (Exempeldata)".encode("cp1252", "replace")
    text = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 16 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def example_xlsx(title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Redovisning"
    sheet.append([title, "Exempeldata"])
    sheet.append(["Post", "Belopp (kr)"])
    for row in (("Personal", 1_450_000), ("Lokaler", 310_000), ("Aktiviteter", 240_000)):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _attachment(name: str) -> ContentFile[bytes]:
    title = name.rsplit(".", 1)[0]
    content = example_xlsx(title) if name.endswith(".xlsx") else example_pdf(title)
    return ContentFile(content, name=name)


def _values(agreement: Agreement, number: int) -> dict[int, Decimal | None]:
    share = Decimal("0.55") if number == 1 else Decimal("1.08")
    return {
        i.pk: (i.target * share).quantize(Decimal(1), rounding=ROUND_HALF_UP) if i.target else None
        for i in agreement.indicators.all()
    }


def _report(
    story: facts.ReportStory, agreement: Agreement, partner_user: User, official: User
) -> None:
    requirement = list(agreement.reporting_requirements.order_by("due_date", "pk"))[
        story.number - 1
    ]
    if Report.objects.filter(requirement=requirement).exists():
        return
    report = agreements.save_report(
        requirement=requirement,
        narrative=facts.REPORT_NARRATIVE.format(partner=agreement.partner.display_name),
        values=_values(agreement, story.number),
        files=[_attachment(story.attachment)] if story.attachment else [],
        by=partner_user,
        at=_at(story.submitted) - timedelta(hours=1) if story.submitted else None,
    )
    if story.submitted is None:
        return
    agreements.submit_report(report=report, by=partner_user, at=_at(story.submitted))
    if story.outcome == "approved" and story.reviewed:
        agreements.approve_report(report=report, by=official, at=_at(story.reviewed))
    elif story.outcome == "returned" and story.reviewed:
        agreements.return_report(
            report=report, comment=story.comment, by=official, at=_at(story.reviewed)
        )


def play(
    agreements_by_slug: dict[str, Agreement], partner_users: dict[str, User], official: User
) -> None:
    for story in facts.REPORT_STORIES:
        _report(story, agreements_by_slug[story.slug], partner_users[story.slug], official)
    for (slug, number), (released, paid) in facts.INSTALMENT_STORIES.items():
        instalment = agreements_by_slug[slug].instalments.get(number=number)
        if instalment.status == InstalmentStatus.PLANNED:
            instalment = agreements.release_instalment(
                instalment=instalment, by=official, on=released
            )
        if paid and instalment.status == InstalmentStatus.RELEASED:
            agreements.book_instalment_paid(
                instalment=instalment,
                paid_on=paid,
                finance_reference=f"EX-{paid:%Y%m%d}-{number}",
                by=official,
                booked_at=_at(paid),
            )
    for slug, target in facts.AGREEMENT_STATES.items():
        agreement = agreements_by_slug[slug]
        agreement.refresh_from_db()
        if target == AgreementStatus.COMPLETED and agreement.status == AgreementStatus.SIGNED:
            with dated(COMPLETED):
                agreements.complete_agreement(
                    agreement=agreement, by=official, reason="Slutrapporten är godkänd (exempel)."
                )
