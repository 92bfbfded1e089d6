"""The report pages as partners and officials use them, uploads included (issue 15).

An attachment is checked by its content, refused with a message next to the field when it is
the wrong kind or too large (before the body is read when the declared size is over the limit),
and a refused file keeps what was typed and changes nothing. Files are served only after the
same access check as the agreement, never from a public URL.
"""

import hashlib
import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from agreements.models import Report, ReportAttachment, ReportingRequirement, ReportStatus
from demo.follow_up import example_pdf, example_xlsx
from tests.core.test_limits import _post_unread
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

RETURNED = "GF-2024-COOMPANION"


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def client_for(username: str) -> Client:
    client = Client()
    login(client, username)
    return client


def final(reference: str = RETURNED) -> ReportingRequirement:
    return ReportingRequirement.objects.filter(agreement__reference=reference).order_by(
        "-due_date"
    )[0]


def url(requirement: ReportingRequirement) -> str:
    return f"/agreements/{requirement.agreement.reference}/reports/{requirement.pk}/"


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def office(main_type: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"


def post(client: Client, requirement: ReportingRequirement, **data: Any) -> Any:
    fields = {"narrative": "Ny text som partnern skrev.", "action": "save"}
    fields.update({f"value_{i.pk}": "12" for i in requirement.agreement.indicators.all()})
    fields.update(data)
    return client.post(url(requirement), fields)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", b"MZ\x90\x00 this is a program", "inte en PDF, ett Word-dokument"),
        ("rapport.pdf", b"%PDF-1.7\n" + b"\x00" * 4000, "PDF-filen är inte hel"),
        ("rapport.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "äldre Office-format"),
        ("rapport.docx", office(DOCM), "innehåller makron"),
        ("rapport.docx", office(DOCX, extra={"word/vbaProject.bin": b"x"}), "innehåller makron"),
        ("rapport.xlsx", b"PK\x03\x04 not really a zip", "inte en PDF, ett Word-dokument"),
        ("tom.pdf", b"", "filen är tom"),
    ],
)
def test_a_refused_file_is_told_next_to_the_field_and_nothing_is_lost(
    name: str, content: bytes, message: str
) -> None:
    requirement = final()
    before = Report.objects.get(requirement=requirement)
    files_before = set(default_storage.listdir("reports/attachments/2024")[1])
    response = post(client_for("coompanion"), requirement, attachments=upload(name, content))
    body = text(response)
    assert response.status_code == 400
    assert message in body
    assert 'href="#id_attachments"' in body  # the error summary links to the field
    assert "Ny text som partnern skrev." in body  # what was typed is still in the form
    after = Report.objects.get(requirement=requirement)
    assert after.narrative == before.narrative  # nothing saved
    assert after.attachments.count() == before.attachments.count()
    assert set(default_storage.listdir("reports/attachments/2024")[1]) == files_before


def test_a_file_over_the_limit_is_refused_with_a_message(settings: Any) -> None:
    settings.REPORT_ATTACHMENT_MAX_BYTES = 1000
    response = post(
        client_for("coompanion"), final(), attachments=upload("stor.pdf", example_pdf("x" * 10) * 3)
    )
    assert response.status_code == 400
    assert "för stor: högst" in text(response)


def test_a_body_declared_over_the_limit_is_refused_unread() -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, "coompanion")
    response = _post_unread(client, url(final()), 20 * 1024 * 1024 + 512 * 1024 + 1)
    assert response.status_code == 413


def test_a_good_file_is_stored_under_a_generated_name_and_served_to_the_right_people() -> None:
    requirement = final()
    content = example_xlsx("R")  # once: openpyxl writes the time into the file
    response = post(
        client_for("coompanion"),
        requirement,
        attachments=upload("../../etc/Ekonomisk\x00 redovisning<script>.exe", content),
    )
    assert response.status_code == 302
    attachment = ReportAttachment.objects.filter(report__requirement=requirement).latest("pk")
    assert attachment.kind == "xlsx"
    assert attachment.name == "Ekonomisk redovisning_script.xlsx"
    stored = str(attachment.file.name)
    assert stored.startswith("reports/attachments/2024/")
    assert "Ekonomisk" not in stored
    path = f"{url(requirement)}files/{attachment.pk}/"
    for username in ("coompanion", "handlaggare", "sekreterare"):
        download: Any = client_for(username).get(path)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
        assert download["X-Content-SHA256"] == attachment.sha256
        assert "no-store" in download["Cache-Control"]
        assert download["Content-Disposition"].startswith("attachment;")
    # Another partner: the same 404 as for a file that does not exist, whichever agreement the
    # address names.
    other = client_for("matgille")
    assert other.get(path).status_code == 404
    matgille = final("GF-2024-MATGILLE")
    assert other.get(f"{url(matgille)}files/{attachment.pk}/").status_code == 404
    assert Client().get(path).status_code == 302  # anonymous: log in first


def test_the_partner_completes_a_returned_report_and_the_official_approves_it() -> None:
    requirement = final()
    partner = client_for("coompanion")
    page = text(partner.get(url(requirement)))
    assert "Den ekonomiska redovisningen saknas" in page  # the official's comment
    assert "Lämna in återrapporten" in page
    response = post(
        partner,
        requirement,
        action="submit",
        attachments=upload("redovisning.pdf", example_pdf("R")),
    )
    assert response.status_code == 302
    assert Report.objects.get(requirement=requirement).status == ReportStatus.SUBMITTED
    assert "Återrapporten är inlämnad" in text(partner.get(response["Location"]))
    # Submitted: the partner reads it, no form.
    assert "Lämna in återrapporten" not in text(partner.get(url(requirement)))

    official = client_for("handlaggare")
    page = text(official.get(url(requirement)))
    assert "Godkänn återrapporten" in page
    refused = official.post(f"{url(requirement)}return/", {"comment": ""})
    assert refused.status_code == 400
    assert "Skriv vad partnern behöver komplettera." in text(refused)
    not_confirmed = official.post(f"{url(requirement)}approve/", {})
    assert "Kryssa i" in text(official.get(not_confirmed["Location"]))
    assert official.post(f"{url(requirement)}approve/", {"confirm": "on"}).status_code == 302
    report = Report.objects.get(requirement=requirement)
    assert report.status == ReportStatus.APPROVED
    assert report.document_sha256


def test_submitting_an_incomplete_report_keeps_the_draft_and_says_what_is_missing() -> None:
    requirement = final("GF-2024-MATGILLE")  # overdue, not started
    response = post(client_for("matgille"), requirement, narrative="", action="submit")
    assert response.status_code == 400
    assert "Fyll i redogörelsen" in text(response)
    report = Report.objects.get(requirement=requirement)
    assert report.status == ReportStatus.DRAFT
    assert [v.value for v in report.values.all()] == [12, 12]  # saved, not lost


def test_the_page_does_not_accept_a_post_from_who_may_not_write() -> None:
    requirement = final("GF-2024-MATGILLE")
    assert post(client_for("handlaggare"), requirement).status_code == 403
    assert post(client_for("coompanion"), requirement).status_code == 404
    assert not Report.objects.filter(requirement=requirement).exists()


def test_the_approved_report_is_downloaded_as_sealed() -> None:
    approved = ReportingRequirement.objects.filter(agreement__reference=RETURNED).order_by(
        "due_date"
    )[0]
    report = Report.objects.get(requirement=approved)
    path = f"{url(approved)}pdf/"
    for username in ("coompanion", "handlaggare", "sekreterare"):
        response: Any = client_for(username).get(path)
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == report.document_sha256
        assert response["X-Content-SHA256"] == report.document_sha256
    assert client_for("matgille").get(path).status_code == 404
    assert "Ladda ner den godkända återrapporten" in text(
        client_for("coompanion").get(url(approved))
    )
