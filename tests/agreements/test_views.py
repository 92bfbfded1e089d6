"""Agreement pages through real requests (issue 4): draft, sign, download, verify."""

import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import Settings

from accounts.models import User
from agreements.models import Agreement, AgreementStatus, SignedDocument
from funding import services as funding
from funding.models import Allocation, Programme
from tests.helpers import NBSP, login, text  # noqa: F401

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def stored_bytes(reference: str) -> bytes:
    document = SignedDocument.objects.get(  # the version in force
        agreement__reference=reference, agreement_version=F("agreement__version")
    )
    with document.file.open("rb") as f:
        return f.read()


def download(response: "_MonkeyPatchedWSGIResponse") -> bytes:
    # django-stubs types a test client's response as never streaming.
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


# --- seeing ----------------------------------------------------------------------------


def test_official_lists_all_partner_lists_own(client: Client) -> None:
    assert text(login(client, "handlaggare").get("/agreements/")).count("GF-2024-") >= 6
    client.logout()
    body = text(login(client, "highfive").get("/agreements/"))
    assert "GF-2024-HIGHFIVE" in body
    assert "GF-2024-COOMPANION" not in body


def test_other_partners_agreement_is_the_same_404_as_a_missing_one(client: Client) -> None:
    login(client, "highfive")
    for suffix in ("", "pdf/", "sign/", "preview/", "edit/"):
        other_path = f"/agreements/GF-2024-COOMPANION/{suffix}"
        missing_path = f"/agreements/GF-2024-FINNS-INTE/{suffix}"
        other = client.get(other_path)
        missing = client.get(missing_path)
        assert other.status_code == missing.status_code == 404, suffix
        # The pages may differ only in the CSRF token and in echoing the path the
        # user asked for (the language form returns them to it); nothing else.
        token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
        other_page = token.sub(b"", other.content).replace(other_path.encode(), b"PATH")
        missing_page = token.sub(b"", missing.content).replace(missing_path.encode(), b"PATH")
        assert other_page == missing_page


def test_partner_detail_shows_status_timeline_reporting_and_plan(client: Client) -> None:
    body = text(login(client, "coompanion").get("/agreements/GF-2024-COOMPANION/"))
    assert "Underskriven" in body
    for status in ("Utkast", "Skickad för underskrift", "Underskriven av partnern"):
        assert status in body
    assert "600 000 kr" in body  # two instalments of the 1 200 000 kr
    assert "Slutrapport med ekonomisk redovisning" in body
    assert 'href="/agreements/GF-2024-COOMPANION/pdf/"' in body
    assert "Häva" not in body  # no official's actions for partners


def test_list_query_count_does_not_grow(client: Client) -> None:
    login(client, "handlaggare")
    with CaptureQueriesContext(connection) as six:
        client.get("/agreements/")
    # Count now: the connection's query log is a bounded deque that later work may rotate.
    with_six = len(six)
    _decide_and_draft_2025(client)
    assert Agreement.objects.count() == 12
    with CaptureQueriesContext(connection) as twelve:
        body = text(client.get("/agreements/"))
    assert body.count('href="/agreements/GF-2025-') == 6
    assert len(twelve) == with_six


def test_detail_query_count_does_not_grow_with_plan_and_reports(client: Client) -> None:
    from datetime import date, timedelta

    from agreements import services

    login(client, "handlaggare")
    url = "/agreements/GF-2024-LEAP-FOR-LIFE/"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with_few = len(few)
    agreement = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    dates = [date(2024, 1, 15) + timedelta(days=30 * i) for i in range(11)]
    services.revise_draft(
        agreement=agreement,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
        purpose=agreement.purpose,
        conditions=agreement.conditions,
        instalments=services.even_payment_plan(agreement.amount, dates),
        reports=[services.PlannedReport(f"Rapport {i}", d) for i, d in enumerate(dates)],
        by=User.objects.get(username="handlaggare"),
    )
    with CaptureQueriesContext(connection) as many:
        body = text(client.get(url))
    assert "Rapport 10" in body
    assert len(many) == with_few


def test_the_detail_page_reads_the_signed_documents_once(client: Client) -> None:
    """Issue 18: the versions list and the current document come from one prefetch."""
    login(client, "handlaggare")
    url = "/agreements/GF-2024-COOMPANION/"
    client.get(url)
    cache.clear()  # the record is cached per revision (agreements.views.record): render it again
    with CaptureQueriesContext(connection) as queries:
        body = text(client.get(url))
    assert "GF-2024-COOMPANION" in body
    reads = [q["sql"] for q in queries if 'FROM "agreements_signeddocument"' in q["sql"]]
    assert len(reads) == 1


# --- the signed PDF --------------------------------------------------------------------


def test_signed_pdf_is_served_byte_for_byte(client: Client) -> None:
    response = login(client, "coompanion").get("/agreements/GF-2024-COOMPANION/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert download(response) == stored_bytes("GF-2024-COOMPANION")
    assert (
        response["X-Content-SHA256"]
        == SignedDocument.objects.get(
            agreement__reference="GF-2024-COOMPANION", agreement_version=2
        ).sha256
    )


def test_behind_nginx_the_pdf_is_left_to_it_after_the_access_check(
    client: Client, settings: Settings
) -> None:
    settings.DOCUMENT_ACCEL_REDIRECT = "/_documents/"
    document = SignedDocument.objects.get(
        agreement__reference="GF-2024-COOMPANION", agreement_version=2
    )
    response = login(client, "coompanion").get("/agreements/GF-2024-COOMPANION/pdf/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_documents/{document.file.name}"
    assert response.content == b""  # nginx sends the stored bytes (tests/stack)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="GF-2024-COOMPANION-v{document.agreement_version}.pdf"'
    )
    assert response["X-Content-SHA256"] == document.sha256
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    client.logout()
    refused = login(client, "highfive").get("/agreements/GF-2024-COOMPANION/pdf/")
    assert refused.status_code == 404
    assert not refused.has_header("X-Accel-Redirect")


def test_unsigned_agreement_has_no_pdf_but_officials_get_a_preview(client: Client) -> None:
    login(client, "highfive")
    assert client.get("/agreements/GF-2024-HIGHFIVE/pdf/").status_code == 404
    # Issue 19: out for signing, the partner may read the exact draft it signs.
    assert client.get("/agreements/GF-2024-HIGHFIVE/preview/").status_code == 200
    client.logout()
    login(client, "leap-for-life")  # a draft is the region's own
    assert client.get("/agreements/GF-2024-LEAP-FOR-LIFE/preview/").status_code == 404
    client.logout()
    login(client, "handlaggare")
    response = client.get("/agreements/GF-2024-HIGHFIVE/preview/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    from pypdf import PdfReader

    assert "UTKAST" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


# --- drafting ---------------------------------------------------------------------------


def _decide_and_draft_2025(client: Client) -> None:
    secretary = User.objects.get(username="sekreterare")
    programme = Programme.objects.get(budget_year__year=2025)
    from datetime import date

    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=88,
        registration_number="RS240088",
        title="Grundfinansiering 2025",
        text="Beslut",
        by=secretary,
    )
    for allocation in programme.allocations.all():
        funding.add_to_decision(decision=decision, allocation=allocation, by=secretary)
    funding.decide(decision=decision, by=secretary)
    for allocation in programme.allocations.all():
        response = client.post(
            f"/agreements/new/{allocation.pk}/",
            {
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "purpose": "Strategisk partner 2025.",
                "conditions": "",
            },
        )
        assert response.status_code == 302, text(response)


def test_official_drafts_from_a_decided_allocation(client: Client) -> None:
    login(client, "handlaggare")
    _decide_and_draft_2025(client)
    agreement = Agreement.objects.get(reference="GF-2025-MATGILLE")
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.amount == Decimal("3000000")
    assert [(str(i.due_date), i.amount) for i in agreement.instalments.all()] == [
        ("2025-01-31", Decimal("1500000")),
        ("2025-07-31", Decimal("1500000")),
    ]


def test_awaiting_allocations_are_offered_to_officials_only(client: Client) -> None:
    secretary = User.objects.get(username="sekreterare")
    programme = Programme.objects.get(budget_year__year=2025)
    from datetime import date

    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=88,
        registration_number="RS240088",
        title="T",
        text="T",
        by=secretary,
    )
    allocation = programme.allocations.get(partner__slug="highfive")
    funding.add_to_decision(decision=decision, allocation=allocation, by=secretary)
    funding.decide(decision=decision, by=secretary)
    body = text(login(client, "handlaggare").get("/agreements/"))
    assert f'href="/agreements/new/{allocation.pk}/"' in body
    client.logout()
    assert "Upprätta" not in text(login(client, "sekreterare").get("/agreements/"))
    assert client.get(f"/agreements/new/{allocation.pk}/").status_code == 404


def test_new_agreement_with_bad_period_keeps_input(client: Client) -> None:
    login(client, "handlaggare")
    allocation = Allocation.objects.filter(programme__budget_year__year=2024).first()
    assert allocation is not None
    # Every 2024 allocation already has its agreement: drafting another is a 404.
    assert client.get(f"/agreements/new/{allocation.pk}/").status_code == 404


def _edit_data(plan: list[tuple[str, str]], reports: list[tuple[str, str]]) -> dict[str, str]:
    data = {
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "purpose": "Nytt syfte",
        "conditions": "Nya villkor",
        "plan-TOTAL_FORMS": str(len(plan)),
        "plan-INITIAL_FORMS": "0",
        "reports-TOTAL_FORMS": str(len(reports)),
        "reports-INITIAL_FORMS": "0",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    for i, (due, amount) in enumerate(plan):
        data[f"plan-{i}-due_date"], data[f"plan-{i}-amount"] = due, amount
    for i, (what, due) in enumerate(reports):
        data[f"reports-{i}-description"], data[f"reports-{i}-due_date"] = what, due
    return data


def test_edit_draft_plan_must_add_up(client: Client) -> None:
    login(client, "handlaggare")
    url = "/agreements/GF-2024-LEAP-FOR-LIFE/edit/"
    assert client.get(url).status_code == 200
    before = list(
        Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE").instalments.values_list(
            "amount", flat=True
        )
    )
    bad = _edit_data(
        [("2024-02-28", "1 000 000"), ("2024-08-31", "1 000 000")], [("Rapport", "2024-12-31")]
    )
    response = client.post(url, bad)
    assert response.status_code == 400
    assert "summera exakt" in text(response)
    assert 'value="Nytt syfte"' in text(response) or "Nytt syfte" in text(response)
    agreement = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    assert list(agreement.instalments.values_list("amount", flat=True)) == before
    assert agreement.purpose != "Nytt syfte"  # all or nothing

    good = _edit_data(
        [("2024-02-28", "1 050 000"), ("2024-08-31", "1 050 000,00")],
        [("Lägesrapport", "2024-08-31"), ("", "")],
    )
    assert client.post(url, good).status_code == 302
    agreement.refresh_from_db()
    assert agreement.purpose == "Nytt syfte"
    assert list(agreement.reporting_requirements.values_list("description", flat=True)) == [
        "Lägesrapport"
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("plan-0-amount", "1,5 mnkr", "med siffror"),
        ("plan-0-due_date", "31/2 2024", "Fyll i ett giltigt datum"),
        ("period_end", "2023-01-01", "före den börjar"),
        ("reports-0-due_date", "", "när rapporten"),
    ],
)
def test_edit_bad_input_gets_a_message(
    client: Client, field: str, value: str, message: str
) -> None:
    login(client, "handlaggare")
    data = _edit_data([("2024-02-28", "2 100 000")], [("Rapport", "2024-12-31")])
    data[field] = value
    response = client.post("/agreements/GF-2024-LEAP-FOR-LIFE/edit/", data)
    assert response.status_code == 400
    assert message in text(response)


def test_signed_agreement_cannot_be_edited(client: Client) -> None:
    login(client, "handlaggare")
    response = client.post(
        "/agreements/GF-2024-COOMPANION/edit/",
        _edit_data([("2024-02-28", "1 200 000")], []),
        follow=True,
    )
    assert "Bara ett utkast" in text(response)
    assert Agreement.objects.get(reference="GF-2024-COOMPANION").purpose != "Nytt syfte"


# --- signing ----------------------------------------------------------------------------


def test_partner_signs_with_password_then_region_seals(client: Client) -> None:
    url = "/agreements/GF-2024-HIGHFIVE/sign/"
    login(client, "highfive")
    page = text(client.get(url))
    assert 'autocomplete="current-password"' in page
    # Name and title come from the user record (issue 19): shown, not asked for.
    assert "Underskriften visas med namnet <strong>Demo Firmatecknare HighFive</strong>" in page
    assert 'name="signer_name"' not in page
    wrong = client.post(url, {"password": "fel", "confirm": "on"})
    assert wrong.status_code == 400
    assert "Lösenordet stämmer inte" in text(wrong)
    assert 'aria-describedby="id_password_helptext id_password_error"' in text(wrong)
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == AgreementStatus.SENT

    ok = client.post(
        url,
        {
            "signer_name": "Någon Annan",  # typed text is not what is printed
            "signer_title": "VD",
            "password": "halland-demo",
            "confirm": "on",
        },
    )
    assert ok.status_code == 302
    signature = Agreement.objects.get(reference="GF-2024-HIGHFIVE").signatures.get()
    assert (signature.signer_name, signature.signer_title) == (
        "Demo Firmatecknare HighFive",
        "Firmatecknare",
    )
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "partner_signed"
    # The partner cannot sign twice, nor for the region.
    assert "kan inte skriva under" in text(client.get(url, follow=True))

    client.logout()
    login(client, "handlaggare")
    region = client.post(url, {"password": "halland-demo", "confirm": "on"})
    assert region.status_code == 302
    agreement = Agreement.objects.get(reference="GF-2024-HIGHFIVE")
    assert agreement.status == AgreementStatus.SIGNED
    client.logout()
    login(client, "highfive")
    pdf = download(client.get("/agreements/GF-2024-HIGHFIVE/pdf/"))
    client.logout()
    verdict = client.post("/verify/", {"file": SimpleUploadedFile("a.pdf", pdf, "application/pdf")})
    assert "Äkta" in text(verdict)
    assert "GF-2024-HIGHFIVE, version 1" in text(verdict)


def test_secretary_and_unpermitted_cannot_sign(client: Client) -> None:
    login(client, "sekreterare")
    response = client.get("/agreements/GF-2024-CONNECT-VAST/sign/", follow=True)
    assert "kan inte skriva under" in text(response)
    assert Agreement.objects.get(reference="GF-2024-CONNECT-VAST").status == "partner_signed"


def test_terminate_needs_a_reason(client: Client) -> None:
    login(client, "handlaggare")
    refused = client.post("/agreements/GF-2024-MATGILLE/terminate/", {"reason": ""})
    assert refused.status_code == 400
    assert Agreement.objects.get(reference="GF-2024-MATGILLE").status == "signed"
    client.post("/agreements/GF-2024-MATGILLE/terminate/", {"reason": "Verksamheten upphör."})
    agreement = Agreement.objects.get(reference="GF-2024-MATGILLE")
    assert agreement.status == AgreementStatus.TERMINATED
    assert "Verksamheten upphör." in text(client.get("/agreements/GF-2024-MATGILLE/"))


def test_discard_needs_a_reason(client: Client) -> None:
    """A sent agreement is not in force yet: it is discarded, not terminated (issue 17)."""
    login(client, "handlaggare")
    refused = client.post("/agreements/GF-2024-HIGHFIVE/discard/", {"reason": ""})
    assert refused.status_code == 400
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").status == "sent"
    client.post("/agreements/GF-2024-HIGHFIVE/discard/", {"reason": "Verksamheten upphör."})
    agreement = Agreement.objects.get(reference="GF-2024-HIGHFIVE")
    assert agreement.status == AgreementStatus.DISCARDED
    assert "Verksamheten upphör." in text(client.get("/agreements/GF-2024-HIGHFIVE/"))


def test_partner_cannot_use_official_actions(client: Client) -> None:
    login(client, "leap-for-life")
    for action in ("send", "complete", "terminate", "discard", "withdraw"):
        assert client.post(f"/agreements/GF-2024-LEAP-FOR-LIFE/{action}/").status_code == 403
    assert Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE").status == "draft"


# --- verification ------------------------------------------------------------------------


def _verify(client: Client, content: bytes, name: str = "x.pdf") -> "_MonkeyPatchedWSGIResponse":
    return client.post("/verify/", {"file": SimpleUploadedFile(name, content, "application/pdf")})


def test_verify_is_public_and_accepts_the_stored_pdf(client: Client) -> None:
    assert client.get("/verify/").status_code == 200
    response = _verify(client, stored_bytes("GF-2024-MATGILLE"))
    assert response.status_code == 200
    body = text(response)
    assert "Äkta" in body
    assert "GF-2024-MATGILLE, version 1" in body
    assert "Hallands Matgille" in body


def test_verify_refuses_a_changed_byte(client: Client) -> None:
    pdf = bytearray(stored_bytes("GF-2024-MATGILLE"))
    pdf[pdf.index(b"stream") + 40] ^= 0x01
    body = text(_verify(client, bytes(pdf)))
    assert "Inte äkta: dokumentet har ändrats" in body
    assert "Sigillet är brutet" in body
    assert "finns inte bland de dokument" in body


def test_verify_appended_bytes_break_coverage(client: Client) -> None:
    pdf = stored_bytes("GF-2024-MATGILLE") + b"\n% appended\n"
    body = text(_verify(client, pdf))
    assert "Inte äkta: dokumentet har ändrats" in body


def test_verify_unsealed_pdf(client: Client) -> None:
    from weasyprint import HTML

    body = text(_verify(client, HTML(string="<p>Falsk</p>").write_pdf()))
    assert "Filen har inget sigill" in body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf", "inte en PDF"),
        (b"", "tom"),
        (b"%PDF-1.7\ngarbage that is not really a pdf", "slutet saknas"),
        (b"%PDF-1.7\ngarbage that is not really a pdf\n%%EOF\n", "Inte bekräftat"),
    ],
)
def test_verify_bad_uploads_get_a_message(client: Client, content: bytes, message: str) -> None:
    response = _verify(client, content)
    assert response.status_code in (200, 400)
    assert message in text(response)


def test_verify_oversized_upload(client: Client, settings: object) -> None:
    settings.VERIFY_MAX_UPLOAD_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    response = _verify(client, b"%PDF-" + b"0" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "för stor" in text(response)


def test_verify_without_file(client: Client) -> None:
    response = client.post("/verify/", {})
    assert response.status_code == 400
    assert "Detta fält måste fyllas i" in text(response)


def test_verify_pdf_command(tmp_path: object) -> None:
    from pathlib import Path

    good = Path(str(tmp_path)) / "good.pdf"
    good.write_bytes(stored_bytes("GF-2024-COOMPANION"))
    out = io.StringIO()
    call_command("verify_pdf", str(good), stdout=out)
    assert "AUTHENTIC" in out.getvalue()
    assert "GF-2024-COOMPANION version 2" in out.getvalue()  # amended (issue 17)
    assert "test cert:  yes" in out.getvalue()
    bad = Path(str(tmp_path)) / "bad.pdf"
    data = bytearray(good.read_bytes())
    data[data.index(b"stream") + 40] ^= 1
    bad.write_bytes(bytes(data))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_pdf", str(bad), stdout=io.StringIO())
    assert exit_info.value.code == 1


def test_sha_in_page_matches(client: Client) -> None:
    body = text(login(client, "matgille").get("/agreements/GF-2024-MATGILLE/"))
    sha = SignedDocument.objects.get(agreement__reference="GF-2024-MATGILLE").sha256
    assert re.search(sha, body)


def test_the_draft_names_key_figures_and_ties_an_instalment_to_a_report(client: Client) -> None:
    login(client, "handlaggare")
    url = "/agreements/GF-2024-LEAP-FOR-LIFE/edit/"
    agreement = Agreement.objects.get(reference="GF-2024-LEAP-FOR-LIFE")
    half = agreement.amount / 2
    data = _edit_data(
        [("2024-01-31", str(half)), ("2024-12-15", str(agreement.amount - half))],
        [("Lägesrapport", "2024-08-31"), ("Slutrapport", "2025-03-31")],
    )
    data.update(
        {
            "plan-1-after_report": "2",
            "indicators-TOTAL_FORMS": "2",
            "indicators-0-name": "Antal rådgivna företag",
            "indicators-0-unit": "företag",
            "indicators-0-target": "1 200,5",
            "indicators-1-name": "Antal kurser",
            "indicators-1-unit": "",
        }
    )
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Ange enheten" in text(refused)
    data["indicators-1-unit"] = "kurser"
    data["plan-0-after_report"] = "3"  # there is no third report
    refused = client.post(url, data)
    assert "ingen återrapport nummer 3" in text(refused)
    data["plan-0-after_report"] = ""
    assert client.post(url, data).status_code == 302
    agreement.refresh_from_db()
    assert [(i.name, i.target) for i in agreement.indicators.all()] == [
        ("Antal rådgivna företag", Decimal("1200.5")),
        ("Antal kurser", None),
    ]
    second = agreement.instalments.get(number=2)
    assert second.after_report is not None
    assert second.after_report.description == "Slutrapport"
    page = text(client.get(url))
    assert 'value="1200,50"' in page
