"""Amendments (tillägg): a signed agreement changes only by a new version both parties sign
again, sealed, naming the version it replaces (issue 17; design §3 invariant 6, workflow 9)."""

import hashlib
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from agreements import services
from agreements.amendments import carried_requirements, planned_instalments
from agreements.models import (
    Agreement,
    AgreementAmendment,
    AmendmentStatus,
    Instalment,
    InstalmentStatus,
    Party,
    SignedDocument,
)
from agreements.pdf import render_agreement_pdf
from agreements.plans import PlannedInstalment, PlannedReport
from agreements.verification import verify_pdf
from audit.actions import AuditAction
from audit.models import AuditEvent
from funding.models import Allocation
from tests.funding.helpers import decide_allocations
from tests.helpers import at_once

pytestmark = pytest.mark.django_db

REFERENCE = "GF-2024-MATGILLE"  # signed by both: 3 000 000 kr in two instalments


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """On the demo data."""


def user(username: str) -> User:
    return User.objects.get(username=username)


def matgille() -> Agreement:
    return Agreement.objects.get(reference=REFERENCE)


def pay_first_instalment() -> Instalment:
    first = matgille().instalments.order_by("number")[0]
    services.release_instalment(instalment=first, by=user("handlaggare"))
    services.book_instalment_paid(
        instalment=first, paid_on=timezone.localdate(), by=user("handlaggare")
    )
    first.refresh_from_db()
    return first


def amend_allocation(amount: int) -> Allocation:
    allocation = Allocation.objects.get(agreement__reference=REFERENCE)
    decide_allocations(
        [allocation], by=user("sekreterare"), paragraph=61, amounts={allocation.pk: Decimal(amount)}
    )
    allocation.refresh_from_db()
    return allocation


def sign_both(amendment: AgreementAmendment) -> None:
    services.sign_amendment(amendment=amendment, party=Party.PARTNER, by=user("matgille"))
    services.sign_amendment(amendment=amendment, party=Party.REGION, by=user("handlaggare"))


def words(pdf: bytes) -> str:
    raw = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(re.sub(r"[\u00a0\u202f\u00ad]", " ", raw).split())


def test_a_decided_change_of_money_becomes_a_signed_and_sealed_version_2() -> None:
    paid = pay_first_instalment()
    assert paid.amount == Decimal(1_500_000)
    amend_allocation(2_900_000)
    version_1 = SignedDocument.objects.get(agreement=matgille(), agreement_version=1)

    amendment = services.draft_amendment(
        agreement=matgille(), reason="Ändringsbeslut § 61: verksamheten startar senare.", by=None
    )
    assert (amendment.version, amendment.amount, amendment.replaces) == (
        2,
        Decimal(2_900_000),
        version_1,
    )
    # What is left to pay (2 900 000 − 1 500 000 paid) on the planned date, tie kept.
    assert planned_instalments(amendment) == [
        PlannedInstalment(date(2024, 7, 31), Decimal(1_400_000), after_report=1)
    ]
    services.send_amendment(amendment=amendment, by=user("handlaggare"))
    # The version in force goes on until both have signed: still version 1, 3 000 000 kr.
    assert (matgille().version, matgille().amount) == (1, Decimal(3_000_000))
    sign_both(amendment)

    agreement = matgille()
    assert (agreement.version, agreement.amount) == (2, Decimal(2_900_000))
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.SIGNED
    assert [c.replace("\xa0", " ") for c in amendment.changes] == [
        "Beloppet ändras från 3 000 000 kr till 2 900 000 kr.",
        "Betalningsplanen ändras för de utbetalningar som inte är attesterade.",
    ]
    rows = list(agreement.instalments.order_by("number").values_list("number", "amount", "status"))
    assert rows == [
        (1, Decimal(1_500_000), InstalmentStatus.PAID),  # carried over as it was
        (2, Decimal(1_400_000), InstalmentStatus.PLANNED),
    ]
    second = agreement.instalments.get(number=2)
    assert second.after_report == agreement.reporting_requirements.order_by("due_date")[0]

    version_2 = SignedDocument.objects.get(agreement=agreement, agreement_version=2)
    with version_2.file.open("rb") as f:
        pdf = f.read()
    assert hashlib.sha256(pdf).hexdigest() == version_2.sha256
    text = words(pdf)
    assert "Tillägg: ersätter version 1" in text
    assert version_1.sha256 in text.replace(" ", "")
    assert "Beloppet ändras från 3 000 000 kr till 2 900 000 kr." in text
    assert "Ändringsbeslut § 61" in text

    # /verify/: both are authentic; version 1 says version 2 replaces it.
    with version_1.file.open("rb") as f:
        old = verify_pdf(f.read())
    assert old.authentic
    assert old.newer_version == version_2
    new = verify_pdf(pdf)
    assert new.authentic
    assert new.newer_version is None

    actions = set(AuditEvent.objects.for_object(agreement).values_list("action", flat=True))
    assert {
        AuditAction.AMENDMENT_DRAFTED,
        AuditAction.AMENDMENT_STATUS_CHANGED,
        AuditAction.AGREEMENT_SIGNED,
        AuditAction.AGREEMENT_AMENDED,
        AuditAction.AGREEMENT_SEALED,
    } <= actions


def test_changed_terms_and_reporting_without_new_money() -> None:
    agreement = matgille()
    started = carried_requirements(agreement)  # the half-year report is under way
    assert [r.due_date for r in started] == [date(2024, 8, 31)]
    amendment = services.draft_amendment(agreement=agreement, reason="Ny slutrapport.", by=None)
    services.revise_amendment(
        amendment=amendment,
        reason="Slutrapporten lämnas senare.",
        period_start=date(2024, 1, 1),
        period_end=date(2025, 3, 31),
        purpose=agreement.purpose,
        conditions=agreement.conditions + " Särskilt villkor.",
        instalments=[
            PlannedInstalment(date(2024, 1, 31), Decimal(1_500_000)),
            PlannedInstalment(date(2025, 4, 30), Decimal(1_500_000), after_report=2),
        ],
        reports=[PlannedReport("Slutrapport med ekonomisk redovisning", date(2025, 4, 15))],
        by=user("handlaggare"),
    )
    services.send_amendment(amendment=amendment, by=user("handlaggare"))
    sign_both(amendment)
    agreement = matgille()
    assert agreement.period_end == date(2025, 3, 31)
    assert agreement.conditions.endswith("Särskilt villkor.")
    requirements = list(agreement.reporting_requirements.order_by("due_date"))
    assert [r.due_date for r in requirements] == [date(2024, 8, 31), date(2025, 4, 15)]
    assert requirements[0].pk == started[0].pk  # the started report keeps its requirement
    assert requirements[0].report is not None
    last = agreement.instalments.order_by("number").last()
    assert last is not None
    assert last.after_report == requirements[1]
    amendment.refresh_from_db()
    assert "Villkoren ändras." in amendment.changes
    assert "Återrapporteringen ändras." in amendment.changes


@pytest.mark.parametrize(
    ("instalments", "message"),
    [
        ([PlannedInstalment(date(2024, 7, 31), Decimal(1_000_000))], "ska summera exakt"),
        ([PlannedInstalment(date(2024, 7, 31), Decimal("1400000.50"))], "helt antal kronor"),
        (
            [PlannedInstalment(date(2027, 1, 1), Decimal(1_400_000))],
            "utanför överenskommelseperioden",
        ),
        (
            [PlannedInstalment(date(2024, 7, 31), Decimal(1_400_000), after_report=9)],
            "ingen återrapport nummer 9",
        ),
    ],
)
def test_the_new_plan_adds_up_counting_what_was_paid(
    instalments: list[PlannedInstalment], message: str
) -> None:
    pay_first_instalment()
    amend_allocation(2_900_000)
    amendment = services.draft_amendment(agreement=matgille(), reason="Ändrat belopp.", by=None)
    before = AgreementAmendment.objects.values().get(pk=amendment.pk)
    with pytest.raises(ValidationError, match=message):
        services.revise_amendment(
            amendment=amendment,
            reason="Ändrat belopp.",
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            purpose="Syfte",
            conditions="",
            instalments=instalments,
            reports=[],
            by=None,
        )
    assert AgreementAmendment.objects.values().get(pk=amendment.pk) == before


def test_paid_more_than_the_new_amount_is_refused_with_a_pointer_to_recovery() -> None:
    pay_first_instalment()  # 1 500 000 kr paid
    amend_allocation(1_000_000)
    amendment = services.draft_amendment(agreement=matgille(), reason="Minskat.", by=None)
    assert amendment.instalments == []
    with pytest.raises(ValidationError, match="Häv överenskommelsen med återkrav"):
        services.send_amendment(amendment=amendment, by=None)


def test_an_amendment_must_use_the_decided_amount_and_change_something() -> None:
    amendment = services.draft_amendment(agreement=matgille(), reason="Inget nytt.", by=None)
    with pytest.raises(ValidationError, match="ändrar ingenting"):
        services.send_amendment(amendment=amendment, by=None)
    AgreementAmendment.objects.filter(pk=amendment.pk).update(amount=Decimal(3_100_000))
    amendment.refresh_from_db()
    with pytest.raises(ValidationError, match="inte fördelningens beslutade belopp"):
        services.send_amendment(amendment=amendment, by=None)


@pytest.mark.parametrize(
    "reference", ["GF-2024-HIGHFIVE", "GF-2024-LEAP-FOR-LIFE", "GF-2024-TEK-KOMPETENS"]
)
def test_only_an_agreement_in_force_is_amended(reference: str) -> None:
    with pytest.raises(ValidationError, match="Bara en gällande"):
        services.draft_amendment(
            agreement=Agreement.objects.get(reference=reference), reason="x", by=None
        )
    assert not AgreementAmendment.objects.filter(agreement__reference=reference).exists()


def test_one_open_amendment_at_a_time_and_a_discarded_one_gives_its_version_back() -> None:
    first = services.draft_amendment(agreement=matgille(), reason="Första.", by=None)
    with pytest.raises(ValidationError, match="har redan ett tillägg"):
        services.draft_amendment(agreement=matgille(), reason="Andra.", by=None)
    with pytest.raises(ValidationError, match="Ange skälet"):
        services.discard_amendment(amendment=first, reason=" ", by=None)
    services.discard_amendment(amendment=first, reason="Fel underlag.", by=user("handlaggare"))
    second = services.draft_amendment(agreement=matgille(), reason="Andra.", by=None)
    assert second.version == 2
    first.refresh_from_db()
    assert (first.status, first.discard_reason) == (AmendmentStatus.DISCARDED, "Fel underlag.")


def test_the_signing_order_and_who_may_sign() -> None:
    amend_allocation(2_900_000)
    amendment = services.draft_amendment(agreement=matgille(), reason="Ändrat.", by=None)
    with pytest.raises(ValidationError, match="kan inte skrivas under nu"):
        services.sign_amendment(amendment=amendment, party=Party.PARTNER, by=user("matgille"))
    services.send_amendment(amendment=amendment, by=None)
    with pytest.raises(ValidationError, match="Du får inte skriva under för den här partnern"):
        services.sign_amendment(amendment=amendment, party=Party.PARTNER, by=user("coompanion"))
    with pytest.raises(ValidationError, match="kan inte skrivas under nu"):
        services.sign_amendment(amendment=amendment, party=Party.REGION, by=user("handlaggare"))
    services.sign_amendment(amendment=amendment, party=Party.PARTNER, by=user("matgille"))
    with pytest.raises(ValidationError, match="Du får inte skriva under för regionen"):
        services.sign_amendment(amendment=amendment, party=Party.REGION, by=user("matgille"))
    assert matgille().version == 1


def test_planned_payments_wait_while_an_amendment_is_out_for_signature() -> None:
    amend_allocation(2_900_000)
    amendment = services.draft_amendment(agreement=matgille(), reason="Ändrat.", by=None)
    services.send_amendment(amendment=amendment, by=None)
    first = matgille().instalments.order_by("number")[0]
    with pytest.raises(ValidationError, match="väntar på underskrift"):
        services.release_instalment(instalment=first, by=user("handlaggare"))
    services.withdraw_amendment(amendment=amendment, by=None)
    services.release_instalment(instalment=first, by=user("handlaggare"))


def test_the_preview_shows_the_proposed_version_marked_as_a_draft() -> None:
    amend_allocation(2_900_000)
    amendment = services.draft_amendment(agreement=matgille(), reason="Ändrat belopp.", by=None)
    text = words(render_agreement_pdf(matgille(), draft=True, amendment=amendment))
    assert "UTKAST" in text
    assert "version 2" in text
    assert "2 900 000 kr" in text
    assert "Tillägg: ersätter version 1" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_drafting_at_once_one_wins() -> None:
    results = at_once(2, lambda: _try_draft())
    assert sorted(results) == ["ok", "refused"]
    assert AgreementAmendment.objects.filter(agreement__reference=REFERENCE).count() == 1


def _try_draft() -> str:
    try:
        services.draft_amendment(agreement=matgille(), reason="Samtidigt.", by=None)
    except ValidationError as error:
        return "refused" if "har redan ett tillägg" in " ".join(error.messages) else str(error)
    return "ok"


def test_terminating_the_agreement_discards_its_open_amendment() -> None:
    amend_allocation(2_900_000)
    amendment = services.draft_amendment(agreement=matgille(), reason="Ändrat.", by=None)
    services.send_amendment(amendment=amendment, by=None)
    services.terminate_agreement(
        agreement=matgille(), by=user("handlaggare"), reason="Verksamheten upphörde."
    )
    amendment.refresh_from_db()
    assert (amendment.status, amendment.discard_reason) == (
        AmendmentStatus.DISCARDED,
        "Överenskommelsen hävdes.",
    )
    with pytest.raises(ValidationError, match="kan inte skrivas under nu"):
        services.sign_amendment(amendment=amendment, party=Party.PARTNER, by=user("matgille"))


def test_a_partner_cannot_sign_an_amount_an_amending_decision_replaced() -> None:
    """HighFive's agreement (2 000 000 kr) is out for signing when § 61 lowers it."""
    allocation = Allocation.objects.get(agreement__reference="GF-2024-HIGHFIVE")
    decide_allocations(
        [allocation],
        by=user("sekreterare"),
        paragraph=61,
        amounts={allocation.pk: Decimal(1_900_000)},
    )
    highfive = Agreement.objects.get(reference="GF-2024-HIGHFIVE")
    with pytest.raises(ValidationError) as refused:
        services.sign_agreement(agreement=highfive, party=Party.PARTNER, by=user("highfive"))
    assert "ändrats genom beslut till 1 900 000 kr sedan" in refused.value.messages[0].replace(
        "\xa0", " "
    )
    # Withdrawn, the draft follows the decided amount and can be sent again.
    services.withdraw_from_signing(agreement=highfive, by=user("handlaggare"), reason="Nytt belopp")
    services.revise_draft(
        agreement=highfive,
        period_start=highfive.period_start,
        period_end=highfive.period_end,
        purpose=highfive.purpose,
        conditions=highfive.conditions,
        instalments=services.even_payment_plan(
            Decimal(1_900_000), [date(2024, 1, 31), date(2024, 7, 31)]
        ),
        reports=[
            PlannedReport(r.description, r.due_date)
            for r in highfive.reporting_requirements.order_by("due_date")
        ],
        by=user("handlaggare"),
    )
    services.send_for_signing(agreement=highfive, by=user("handlaggare"))
    services.sign_agreement(agreement=highfive, party=Party.PARTNER, by=user("highfive"))
    assert Agreement.objects.get(reference="GF-2024-HIGHFIVE").amount == Decimal(1_900_000)
