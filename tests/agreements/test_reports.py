"""Reports (återrapporter): write, submit, return, complete, approve; late reports; the payment
tied to a report (issue 15; design §3 Report, §4 workflows 7 and 8)."""

import hashlib
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from agreements import services
from agreements.models import (
    Agreement,
    InstalmentStatus,
    Report,
    ReportingRequirement,
    ReportStatus,
)
from audit.actions import AuditAction
from audit.models import AuditEvent
from core.sealing import check_seal
from demo.follow_up import example_pdf, example_xlsx
from tests.helpers import login, text

pytestmark = pytest.mark.django_db

WAITING = "GF-2024-MATGILLE"  # half-year report submitted, final report not written (late)
RETURNED = "GF-2024-COOMPANION"  # half-year report approved, final report returned


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def user(username: str) -> User:
    return User.objects.get(username=username)


def requirement(reference: str, number: int) -> ReportingRequirement:
    return ReportingRequirement.objects.filter(agreement__reference=reference).order_by("due_date")[
        number - 1
    ]


def client_for(username: str) -> Client:
    client = Client()
    login(client, username)
    return client


def values_for(
    agreement: Agreement, value: Decimal | None = Decimal(7)
) -> dict[int, Decimal | None]:
    return {i.pk: value for i in agreement.indicators.all()}


def test_a_report_goes_draft_submitted_returned_submitted_approved() -> None:
    final = requirement(WAITING, 2)
    partner, official = user("matgille"), user("handlaggare")
    report = services.save_report(requirement=final, narrative="", values={}, by=partner)
    assert report.status == ReportStatus.DRAFT
    with pytest.raises(ValidationError, match=r"inte komplett\. Fyll i redogörelsen, utfallet"):
        services.submit_report(report=report, by=partner)
    services.save_report(
        requirement=final,
        narrative="Vi har gjort det vi lovade.",
        values=values_for(final.agreement),
        files=[ContentFile(example_pdf("Slutrapport"), name="slutrapport.pdf")],
        by=partner,
    )
    report = services.submit_report(report=report, by=partner)
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(ValidationError, match="kan inte ändras"):
        services.save_report(requirement=final, narrative="Ändrad", values={}, by=partner)
    with pytest.raises(ValidationError, match="komplettera"):
        services.return_report(report=report, comment=" ", by=official)
    report = services.return_report(
        report=report, comment="Bifoga revisionsberättelsen.", by=official
    )
    assert (report.status, report.review_comment) == (
        ReportStatus.RETURNED,
        "Bifoga revisionsberättelsen.",
    )
    services.save_report(
        requirement=final,
        narrative="Vi har gjort det vi lovade. Revisionsberättelsen är bifogad.",
        values=values_for(final.agreement),
        files=[ContentFile(example_xlsx("Revision"), name="revision.xlsx")],
        by=partner,
    )
    report = services.submit_report(report=report, by=partner)
    report = services.approve_report(report=report, by=official)
    assert report.status == ReportStatus.APPROVED
    # Approval rendered the report once, sealed it and stored it with its hash.
    stored = report.document.read()
    assert hashlib.sha256(stored).hexdigest() == report.document_sha256
    assert stored.startswith(b"%PDF-")
    assert check_seal(stored).intact
    with pytest.raises(ValidationError):
        services.return_report(report=report, comment="För sent", by=official)
    actions = list(
        AuditEvent.objects.for_object(report).order_by("id").values_list("action", flat=True)
    )
    assert actions.count(AuditAction.REPORT_SUBMITTED) == 2
    assert AuditAction.REPORT_RETURNED in actions
    assert actions[-1] == AuditAction.REPORT_APPROVED
    assert actions.count(AuditAction.REPORT_ATTACHMENT_ADDED) == 2


def test_only_the_partners_users_write_and_only_officials_review() -> None:
    final = requirement(WAITING, 2)
    for outsider in ("coompanion", "handlaggare", "sekreterare"):
        with pytest.raises(ValidationError, match="Bara partnerns användare"):
            services.save_report(requirement=final, narrative="x", values={}, by=user(outsider))
    submitted = requirement(WAITING, 1).report
    for reviewer in ("matgille", "sekreterare"):
        with pytest.raises(ValidationError, match="Bara regionens handläggare"):
            services.approve_report(report=submitted, by=user(reviewer))


def test_reports_are_written_only_for_a_signed_agreement() -> None:
    draft = requirement("GF-2024-LEAP-FOR-LIFE", 1)
    with pytest.raises(ValidationError, match="underskriven överenskommelse"):
        services.save_report(requirement=draft, narrative="x", values={}, by=user("leap-for-life"))


def test_a_negative_key_figure_is_refused() -> None:
    final = requirement(WAITING, 2)
    with pytest.raises(ValidationError):
        services.save_report(
            requirement=final,
            narrative="x",
            values=values_for(final.agreement, Decimal(-1)),
            by=user("matgille"),
        )


def test_a_tied_instalment_waits_for_its_report() -> None:
    """Hallands Matgille's second instalment is paid after the half-year report is approved."""
    official = user("handlaggare")
    second = Agreement.objects.get(reference=WAITING).instalments.get(number=2)
    assert second.after_report == requirement(WAITING, 1)
    with pytest.raises(ValidationError, match="godkänd"):
        services.release_instalment(instalment=second, by=official)
    services.approve_report(report=requirement(WAITING, 1).report, by=official)
    released = services.release_instalment(instalment=second, by=official)
    assert released.status == InstalmentStatus.RELEASED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_at_once_cannot_release_before_approval(demo: None) -> None:
    """Both releases of the tied instalment run at once, before the report is approved: both
    are refused. Then one official approves while another releases: the release either waits
    for the approval (agreement row locked) and goes through, or runs first and is refused."""
    second = Agreement.objects.get(reference=WAITING).instalments.get(number=2)
    report = requirement(WAITING, 1).report
    outcomes: list[str] = []

    def run(action: str, start: threading.Barrier) -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                if action == "approve":
                    services.approve_report(report=report, by=user("handlaggare"))
                else:
                    services.release_instalment(instalment=second, by=user("handlaggare"))
            outcomes.append(f"{action}: ok")
        except ValidationError as error:
            outcomes.append(f"{action}: " + " ".join(error.messages))
        finally:
            connection.close()

    def together(*actions: str) -> None:
        start = threading.Barrier(len(actions))
        threads = [threading.Thread(target=run, args=(a, start)) for a in actions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    together("release", "release")
    assert len(outcomes) == 2
    assert all("är godkänd" in o for o in outcomes), outcomes
    second.refresh_from_db()
    assert second.status == InstalmentStatus.PLANNED

    outcomes.clear()
    together("approve", "release")
    second.refresh_from_db()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    if "release: ok" in outcomes:
        released_at = AuditEvent.objects.get(
            action=AuditAction.INSTALMENT_RELEASED, target_id=str(second.pk)
        )
        approved_at = AuditEvent.objects.get(
            action=AuditAction.REPORT_APPROVED, target_id=str(report.pk)
        )
        assert approved_at.id < released_at.id  # released only after the approval committed
        assert second.status == InstalmentStatus.RELEASED
    else:
        assert second.status == InstalmentStatus.PLANNED


def test_late_reports_are_marked_everywhere_and_next_report_shows_the_late_one() -> None:
    partner = client_for("matgille")
    detail = text(partner.get(f"/agreements/{WAITING}/"))
    assert "Försenad" in detail  # the final report, due 31 March 2025, not written
    assert "31 mars 2025" in detail  # "next report" is the late one, not a later date
    listing = text(partner.get("/agreements/"))
    assert "1 försenad" in listing
    # The half-year report is with the region: not late.
    page = text(partner.get(f"/agreements/{WAITING}/reports/{requirement(WAITING, 1).pk}/"))
    assert "Inlämnad" in page
    assert "Försenad" not in page
    # A draft agreement's dates in the past are not late: nothing can be reported yet.
    leap = text(client_for("handlaggare").get("/agreements/GF-2024-LEAP-FOR-LIFE/"))
    assert "Försenad" not in leap


def test_completion_needs_every_report_approved_and_every_instalment_paid() -> None:
    official = user("handlaggare")
    agreement = Agreement.objects.get(reference=WAITING)
    with pytest.raises(ValidationError, match="alla återrapporter är godkända"):
        services.complete_agreement(agreement=agreement, by=official)
    page = text(client_for("handlaggare").get(f"/agreements/{WAITING}/"))
    assert "Markera som avslutad" not in page
    assert "kan avslutas när alla återrapporter är godkända" in page
    completed = Agreement.objects.get(reference="GF-2024-TEK-KOMPETENS")
    assert completed.status == "completed"
    assert all(
        r.report.status == ReportStatus.APPROVED for r in completed.reporting_requirements.all()
    )


def test_the_demo_tells_the_follow_up_story() -> None:
    statuses = {
        (r.requirement.agreement.reference, r.requirement.due_date.month): r.status
        for r in Report.objects.select_related("requirement__agreement")
    }
    assert statuses[("GF-2024-TEK-KOMPETENS", 8)] == ReportStatus.APPROVED
    assert statuses[(RETURNED, 3)] == ReportStatus.RETURNED
    assert statuses[(WAITING, 8)] == ReportStatus.SUBMITTED
    assert (WAITING, 3) not in statuses  # overdue, not started
    coompanion = Agreement.objects.get(reference=RETURNED).instalments.order_by("number")
    assert [i.status for i in coompanion] == [
        InstalmentStatus.PAID,
        InstalmentStatus.RELEASED,
        InstalmentStatus.PLANNED,  # version 2's extra 100 000 kr, after the final report
    ]
    assert date(2024, 1, 31) == coompanion[0].paid_on


def test_starting_a_report_is_in_the_history_even_when_empty() -> None:
    final = requirement(WAITING, 2)
    report = services.save_report(requirement=final, narrative="", values={}, by=user("matgille"))
    events = AuditEvent.objects.for_object(report)
    assert list(events.values_list("action", flat=True)) == [AuditAction.REPORT_SAVED]
    # Saving it again unchanged adds nothing.
    services.save_report(requirement=final, narrative="", values={}, by=user("matgille"))
    assert events.count() == 1


def test_the_demos_history_carries_the_storys_dates() -> None:
    paid = Agreement.objects.get(reference=RETURNED).instalments.get(number=1)
    events = AuditEvent.objects.for_object(paid).order_by("id")
    assert [(e.action, timezone.localdate(e.at)) for e in events] == [
        (AuditAction.INSTALMENT_RELEASED, date(2024, 1, 25)),
        (AuditAction.INSTALMENT_PAID, date(2024, 1, 31)),
    ]
    approved = requirement(RETURNED, 1).report
    assert timezone.localdate(
        AuditEvent.objects.for_object(approved).get(action=AuditAction.REPORT_APPROVED).at
    ) == date(2024, 9, 10)
