from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User
from agreements import services as agreements
from agreements.models import TRANSITIONS, Agreement, AgreementStatus, Party, Signature
from audit.models import AuditEvent
from funding import services as funding
from funding.models import Allocation, Programme
from partners.models import Partner
from partners.services import set_payment_details
from tests.funding.helpers import decide_allocations

H1, H2 = date(2024, 1, 31), date(2024, 7, 31)


@pytest.fixture
def decided_allocation(
    programme: Programme, partner_a: Partner, official: User, secretary: User
) -> Allocation:
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("1200001")}, by=official
    )
    decide_allocations(list(programme.allocations.all()), by=secretary)
    return Allocation.objects.get()


@pytest.fixture
def draft(decided_allocation: Allocation, official: User) -> Agreement:
    agreement = agreements.create_agreement(
        allocation=decided_allocation,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        purpose="Strategisk partner.",
        by=official,
    )
    agreements.set_payment_plan(
        agreement=agreement,
        instalments=agreements.even_payment_plan(agreement.amount, [H1, H2]),
        by=official,
    )
    return agreement


def test_draft_from_decided_allocation(draft: Agreement, decided_allocation: Allocation) -> None:
    assert draft.reference == "GF-2024-ALFA"
    assert draft.amount == decided_allocation.amount == Decimal("1200001")
    assert draft.status == AgreementStatus.DRAFT
    assert [i.amount for i in draft.instalments.all()] == [Decimal("600001"), Decimal("600000")]


def test_no_agreement_for_a_draft_allocation(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    funding.set_allocations(programme=programme, amounts={partner_a.pk: Decimal("1")}, by=official)
    with pytest.raises(ValidationError, match="beslutad"):
        agreements.create_agreement(
            allocation=Allocation.objects.get(),
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            purpose="x",
            by=official,
        )


def test_payment_plan_must_add_up_exactly(draft: Agreement, official: User) -> None:
    with pytest.raises(ValidationError, match="summera exakt"):
        agreements.set_payment_plan(
            agreement=draft,
            instalments=[
                agreements.PlannedInstalment(H1, Decimal("600000")),
                agreements.PlannedInstalment(H2, Decimal("600000")),
            ],
            by=official,
        )
    with pytest.raises(ValidationError, match="helt antal kronor"):
        agreements.set_payment_plan(
            agreement=draft,
            instalments=[
                agreements.PlannedInstalment(H1, Decimal("600000.50")),
                agreements.PlannedInstalment(H2, Decimal("600000.50")),
            ],
            by=official,
        )
    # The earlier plan is intact.
    assert sum(i.amount for i in draft.instalments.all()) == draft.amount


def test_full_lifecycle(draft: Agreement, official: User, signatory_a: User) -> None:
    agreements.send_for_signing(agreement=draft, by=official)
    agreements.sign_agreement(agreement=draft, party=Party.PARTNER, by=signatory_a)
    agreements.sign_agreement(agreement=draft, party=Party.REGION, by=official)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.SIGNED
    signatures = list(draft.signatures.order_by("signed_at"))
    assert [(s.party, s.signed_by, s.signer_title) for s in signatures] == [
        (Party.PARTNER, signatory_a, "VD"),
        (Party.REGION, official, "Handläggare"),
    ]
    # Completed only when every instalment is paid (and every report approved: none here).
    with pytest.raises(ValidationError, match="alla utbetalningar är gjorda"):
        agreements.complete_agreement(agreement=draft, by=official)
    set_payment_details(partner=draft.partner, method="bankgiro", account="999-0011", by=None)
    for instalment in draft.instalments.all():
        agreements.release_instalment(instalment=instalment, by=official, on=instalment.due_date)
        agreements.book_instalment_paid(
            instalment=instalment, paid_on=instalment.due_date, by=official
        )
    agreements.complete_agreement(agreement=draft, by=official)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.COMPLETED
    statuses = [
        e.changes["status"]
        for e in AuditEvent.objects.for_object(draft).order_by("id")
        if "status" in e.changes
    ]
    assert statuses == [
        [None, "draft"],
        ["draft", "sent"],
        ["sent", "partner_signed"],
        ["partner_signed", "signed"],
        ["signed", "completed"],
    ]


def test_region_cannot_sign_before_partner(draft: Agreement, official: User) -> None:
    agreements.send_for_signing(agreement=draft, by=official)
    with pytest.raises(ValidationError, match="kan inte skrivas under nu"):
        agreements.sign_agreement(agreement=draft, party=Party.REGION, by=official)
    assert not Signature.objects.exists()


def test_partner_cannot_sign_a_draft(draft: Agreement, signatory_a: User) -> None:
    with pytest.raises(ValidationError):
        agreements.sign_agreement(agreement=draft, party=Party.PARTNER, by=signatory_a)


def test_only_the_partners_signatory_signs(
    draft: Agreement, official: User, signatory_b: User
) -> None:
    agreements.send_for_signing(agreement=draft, by=official)
    with pytest.raises(ValidationError, match="den här partnern"):
        agreements.sign_agreement(agreement=draft, party=Party.PARTNER, by=signatory_b)
    with pytest.raises(ValidationError):
        agreements.sign_agreement(agreement=draft, party=Party.PARTNER, by=official)


def test_only_officials_with_the_permission_sign_for_the_region(
    draft: Agreement, official: User, official_without_signing: User, signatory_a: User
) -> None:
    agreements.send_for_signing(agreement=draft, by=official)
    agreements.sign_agreement(agreement=draft, party=Party.PARTNER, by=signatory_a)
    with pytest.raises(ValidationError, match="regionen"):
        agreements.sign_agreement(agreement=draft, party=Party.REGION, by=official_without_signing)


def test_terms_frozen_once_sent(draft: Agreement, official: User) -> None:
    agreements.send_for_signing(agreement=draft, by=official)
    with pytest.raises(ValidationError, match="utkast"):
        agreements.update_agreement_terms(agreement=draft, purpose="Annat", by=official)
    with pytest.raises(ValidationError):
        agreements.set_payment_plan(
            agreement=draft,
            instalments=[agreements.PlannedInstalment(H1, draft.amount)],
            by=official,
        )


def test_send_needs_a_payment_plan(decided_allocation: Allocation, official: User) -> None:
    agreement = agreements.create_agreement(
        allocation=decided_allocation,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        purpose="x",
        by=official,
    )
    with pytest.raises(ValidationError, match="minst en utbetalning"):
        agreements.send_for_signing(agreement=agreement, by=official)


@pytest.mark.parametrize(
    "status",
    [
        AgreementStatus.COMPLETED,
        AgreementStatus.TERMINATED,
        AgreementStatus.DISCARDED,
        AgreementStatus.SIGNED,
    ],
)
def test_illegal_transitions_are_refused(draft: Agreement, official: User, status: str) -> None:
    Agreement.objects.filter(pk=draft.pk).update(
        status=status,
        termination_reason="x" if status == AgreementStatus.TERMINATED else "",
        discard_reason="x" if status == AgreementStatus.DISCARDED else "",
    )
    draft.refresh_from_db()
    for target in set(AgreementStatus.values) - TRANSITIONS[status]:
        assert not draft.can_become(target)
    with pytest.raises(ValidationError, match="kan inte bli"):
        agreements.send_for_signing(agreement=draft, by=official)


def test_discard_needs_reason(draft: Agreement, official: User) -> None:
    """A draft is not in force: it is discarded, not terminated (issue 17)."""
    with pytest.raises(ValidationError, match="kan inte bli Hävd"):
        agreements.terminate_agreement(agreement=draft, by=official, reason="Skäl")
    with pytest.raises(ValidationError):
        agreements.discard_agreement(agreement=draft, by=official, reason="  ")
    agreements.discard_agreement(agreement=draft, by=official, reason="Verksamheten upphörde.")
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DISCARDED
    assert draft.discard_reason == "Verksamheten upphörde."
    with pytest.raises(ValidationError):
        agreements.complete_agreement(agreement=draft, by=official)


def test_database_refuses_terminated_without_reason(draft: Agreement) -> None:
    with pytest.raises(IntegrityError):
        Agreement.objects.filter(pk=draft.pk).update(status=AgreementStatus.TERMINATED)


def test_database_refuses_bad_period(draft: Agreement) -> None:
    with pytest.raises(IntegrityError):
        Agreement.objects.filter(pk=draft.pk).update(period_end=date(2023, 1, 1))


def test_every_state_has_a_transition_entry() -> None:
    assert set(TRANSITIONS) == set(AgreementStatus.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(AgreementStatus.values)


def test_signing_and_terminating_refuse_control_characters_in_the_service(demo: None) -> None:
    """A review found the services saved what only the forms checked (issue 13)."""
    highfive = Agreement.objects.get(reference="GF-2024-HIGHFIVE")
    signatory = User.objects.get(username="highfive")
    # The name printed comes from the user record (issue 19): a control character there is
    # refused when the signature is recorded, whoever put it in.
    User.objects.filter(pk=signatory.pk).update(first_name="De\x0bmo")
    signatory.refresh_from_db()
    with pytest.raises(ValidationError):
        agreements.sign_agreement(agreement=highfive, party=Party.PARTNER, by=signatory)
    with pytest.raises(ValidationError):
        agreements.terminate_agreement(
            agreement=highfive, by=User.objects.get(username="handlaggare"), reason="skäl\x1b[31m"
        )
    highfive.refresh_from_db()
    assert (highfive.status, highfive.signatures.count()) == ("sent", 0)
