from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User
from audit.models import AuditEvent
from funding import services as funding
from funding.models import (
    Allocation,
    AllocationStatus,
    BudgetYear,
    DecisionStatus,
    FundingSource,
    Programme,
    ProgrammeKind,
    SourceKind,
)
from partners.models import Partner
from tests.funding.helpers import decide_allocations, decided_total

# --- invariant 2: ceilings ----------------------------------------------------------------


def test_programme_ceilings_cannot_exceed_the_source(
    budget_year: BudgetYear, regional_source: FundingSource, official: User
) -> None:
    funding.create_programme(
        budget_year=budget_year,
        source=regional_source,
        kind=ProgrammeKind.PROJECTS,
        name="Projekt",
        slug="projekt",
        ceiling=Decimal("30000000"),
        by=official,
    )
    with pytest.raises(ValidationError) as info:
        funding.create_programme(
            budget_year=budget_year,
            source=regional_source,
            kind=ProgrammeKind.BASIC_FUNDING,
            name="Grund",
            slug="grund",
            ceiling=Decimal("9000001"),
            by=official,
        )
    assert "ceiling" in info.value.message_dict
    assert "9 000 000" in info.value.message_dict["ceiling"][0].replace("\u00a0", " ")
    # Exactly what is left fits.
    funding.create_programme(
        budget_year=budget_year,
        source=regional_source,
        kind=ProgrammeKind.BASIC_FUNDING,
        name="Grund",
        slug="grund",
        ceiling=Decimal("9000000"),
        by=official,
    )


def test_source_amount_cannot_drop_below_its_ceilings(
    programme: Programme, regional_source: FundingSource, official: User
) -> None:
    with pytest.raises(ValidationError):
        funding.update_funding_source(
            source=regional_source, amount=Decimal("11899999"), by=official
        )
    funding.update_funding_source(source=regional_source, amount=Decimal("11900000"), by=official)


def test_draft_may_be_over_the_ceiling_with_a_warning(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    result = funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("12000000")}, by=official
    )
    assert result.total == Decimal("12000000")
    assert result.over_ceiling_by == Decimal("100000")
    assert Allocation.objects.get().status == AllocationStatus.DRAFT


def test_deciding_over_the_ceiling_is_refused_and_changes_nothing(
    programme: Programme, partner_a: Partner, partner_b: Partner, official: User, secretary: User
) -> None:
    funding.set_allocations(
        programme=programme,
        amounts={partner_a.pk: Decimal("6000000"), partner_b.pk: Decimal("6000000")},
        by=official,
    )
    with pytest.raises(ValidationError, match="över ramen"):
        decide_allocations(list(programme.allocations.all()), by=secretary)
    assert decided_total(programme) == 0
    assert set(Allocation.objects.values_list("status", flat=True)) == {AllocationStatus.DRAFT}


def test_deciding_within_the_ceiling(
    programme: Programme, partner_a: Partner, partner_b: Partner, official: User, secretary: User
) -> None:
    funding.set_allocations(
        programme=programme,
        amounts={partner_a.pk: Decimal("6000000"), partner_b.pk: Decimal("5900000")},
        by=official,
    )
    decision = decide_allocations(list(programme.allocations.all()), by=secretary)
    assert decision.status == DecisionStatus.DECIDED
    assert decided_total(programme) == Decimal("11900000")
    assert all(a.decision_id == decision.pk for a in Allocation.objects.all())
    assert list(decision.items.values_list("amount", flat=True)) == [
        Decimal("6000000"),
        Decimal("5900000"),
    ]


def test_ceiling_cannot_drop_below_decided_money(
    programme: Programme, partner_a: Partner, official: User, secretary: User
) -> None:
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("5000000")}, by=official
    )
    decide_allocations(list(programme.allocations.all()), by=secretary)
    with pytest.raises(ValidationError):
        funding.update_programme(programme=programme, ceiling=Decimal("4999999"), by=official)
    funding.update_programme(programme=programme, ceiling=Decimal("5000000"), by=official)


# --- decided money changes only by decision ----------------------------------------------


def test_decided_allocation_is_not_edited_in_place(
    programme: Programme, partner_a: Partner, official: User, secretary: User
) -> None:
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("1000")}, by=official
    )
    decide_allocations(list(programme.allocations.all()), by=secretary)
    with pytest.raises(ValidationError, match="nytt beslut"):
        funding.set_allocations(
            programme=programme, amounts={partner_a.pk: Decimal("2000")}, by=official
        )
    assert Allocation.objects.get().amount == Decimal("1000")


def test_amending_decision_changes_decided_money_and_keeps_both(
    programme: Programme, partner_a: Partner, official: User, secretary: User
) -> None:
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("1000")}, by=official
    )
    allocation = Allocation.objects.get()
    first = decide_allocations([allocation], by=secretary, paragraph=1)
    second = decide_allocations(
        [allocation], by=secretary, paragraph=2, amounts={allocation.pk: Decimal("1500")}
    )
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("1500")
    assert allocation.decision == second
    assert first.items.get().amount == Decimal("1000")  # the first extract still says 1000
    item = second.items.get()
    assert (item.previous_amount, item.amount) == (Decimal("1000"), Decimal("1500"))
    events = AuditEvent.objects.for_object(allocation).filter(action="allocation.decided")
    assert sorted(e.changes["amount"][1] for e in events) == ["1000", "1500"]


def test_decision_needs_paragraph_and_registration_number(
    programme: Programme, secretary: User
) -> None:
    decision = funding.create_decision(
        meeting_date=date(2023, 10, 24), title="T", text="Text", by=secretary
    )
    with pytest.raises(ValidationError) as info:
        funding.decide(decision=decision, by=secretary)
    assert "paragraph" in info.value.message_dict


@pytest.mark.parametrize("bad", ["RS12345", "rs123456", "RS1234567", "KS123456", "RS 123456"])
def test_registration_number_format(secretary: User, bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        funding.create_decision(
            meeting_date=date(2023, 10, 24),
            title="T",
            text="Text",
            registration_number=bad,
            by=secretary,
        )
    assert "registration_number" in info.value.message_dict


def test_registration_number_pattern_is_configurable(secretary: User, settings: object) -> None:
    settings.DECISION_REGISTRATION_NUMBER_PATTERN = r"^KS\d{4}/\d{3}$"  # type: ignore[attr-defined]
    decision = funding.create_decision(
        meeting_date=date(2023, 10, 24),
        title="T",
        text="Text",
        registration_number="KS2023/123",
        by=secretary,
    )
    assert decision.registration_number == "KS2023/123"


JUSTERING: dict[str, Any] = {
    "approved_on": date(2023, 10, 31),
    "adjusters": "Per Exempelsson",
    "chair": "Anna Exempelsson",
    "posted_on": date(2023, 11, 1),
}


def test_approval_after_decision_only(
    programme: Programme, partner_a: Partner, official: User, secretary: User
) -> None:
    decision = funding.create_decision(
        meeting_date=date(2023, 10, 24),
        paragraph=5,
        registration_number="RS230005",
        title="T",
        text="Text",
        by=secretary,
    )
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("1000")}, by=official
    )
    funding.add_to_decision(
        decision=decision, allocation=programme.allocations.get(partner=partner_a), by=secretary
    )
    with pytest.raises(ValidationError):
        funding.approve_decision(decision=decision, **JUSTERING, by=secretary)
    funding.decide(decision=decision, by=secretary)
    with pytest.raises(ValidationError):
        funding.approve_decision(
            decision=decision, **{**JUSTERING, "approved_on": date(2023, 10, 1)}, by=secretary
        )
    funding.approve_decision(decision=decision, **JUSTERING, by=secretary)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    with pytest.raises(ValidationError):
        funding.update_decision(decision=decision, title="Ändrad", by=secretary)


# --- invariant 3: the source rule -------------------------------------------------------


def test_basic_funding_refused_from_state_funds_without_reason(
    budget_year: BudgetYear, state_source: FundingSource, official: User
) -> None:
    assert state_source.allows_operating_support is False
    with pytest.raises(ValidationError) as info:
        funding.create_programme(
            budget_year=budget_year,
            source=state_source,
            kind=ProgrammeKind.BASIC_FUNDING,
            name="Grund",
            slug="grund",
            ceiling=Decimal("1000000"),
            by=official,
        )
    assert "source" in info.value.message_dict


def test_basic_funding_from_state_funds_with_recorded_override(
    budget_year: BudgetYear, state_source: FundingSource, official: User
) -> None:
    programme = funding.create_programme(
        budget_year=budget_year,
        source=state_source,
        kind=ProgrammeKind.BASIC_FUNDING,
        name="Grund",
        slug="grund",
        ceiling=Decimal("1000000"),
        source_rule_override_reason="Regeringsbeslut N2024/00001 medger undantag.",
        by=official,
    )
    event = AuditEvent.objects.for_object(programme).get()
    assert event.reason == "Regeringsbeslut N2024/00001 medger undantag."
    assert event.actor == official


def test_projects_may_use_state_funds(
    budget_year: BudgetYear, state_source: FundingSource, official: User
) -> None:
    funding.create_programme(
        budget_year=budget_year,
        source=state_source,
        kind=ProgrammeKind.PROJECTS,
        name="Projekt",
        slug="projekt",
        ceiling=Decimal("1000000"),
        by=official,
    )


def test_state_funds_can_never_be_marked_for_operating_support(
    budget_year: BudgetYear, state_source: FundingSource, official: User
) -> None:
    with pytest.raises(ValidationError):
        funding.update_funding_source(
            source=state_source, allows_operating_support=True, by=official
        )
    with pytest.raises(IntegrityError):
        FundingSource.objects.filter(pk=state_source.pk).update(allows_operating_support=True)


def test_source_rule_cannot_be_switched_off_under_basic_funding(
    programme: Programme, regional_source: FundingSource, official: User
) -> None:
    with pytest.raises(ValidationError):
        funding.update_funding_source(
            source=regional_source, allows_operating_support=False, by=official
        )
    regional_source.refresh_from_db()
    assert regional_source.allows_operating_support


def test_state_source_defaults_to_no_operating_support(
    budget_year: BudgetYear, official: User
) -> None:
    source = funding.create_funding_source(
        budget_year=budget_year,
        kind=SourceKind.STATE_GROWTH,
        name="S",
        amount=Decimal(1),
        by=official,
    )
    assert source.allows_operating_support is False


# --- invariant 4: optimistic versions ----------------------------------------------------


def test_stale_save_is_refused_and_says_what_changed(
    programme: Programme, partner_a: Partner, partner_b: Partner, official: User
) -> None:
    first = funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("100")}, by=official
    )
    seen = {partner_a.pk: first.allocations[0].version, partner_b.pk: 0}
    # Someone else saves in between.
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("200")}, by=official
    )
    with pytest.raises(funding.StaleAllocationsError) as info:
        funding.set_allocations(
            programme=programme,
            amounts={partner_a.pk: Decimal("300"), partner_b.pk: Decimal("50")},
            expected_versions=seen,
            by=official,
        )
    (conflict,) = info.value.conflicts
    assert conflict.partner == partner_a
    assert conflict.current_amount == Decimal("200")
    assert "Alfa" in info.value.messages[0]
    # Nothing of the stale save landed, not even the row that did not conflict.
    assert list(Allocation.objects.values_list("partner__slug", "amount")) == [
        ("alfa", Decimal("200"))
    ]


def test_new_row_created_meanwhile_is_a_conflict(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    funding.set_allocations(programme=programme, amounts={partner_a.pk: Decimal("1")}, by=official)
    with pytest.raises(funding.StaleAllocationsError):
        funding.set_allocations(
            programme=programme,
            amounts={partner_a.pk: Decimal("2")},
            expected_versions={partner_a.pk: 0},
            by=official,
        )


# --- invariant 1 and 5 ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [Decimal("-1"), Decimal("1.50")])
def test_bad_amounts_refused(
    programme: Programme, partner_a: Partner, official: User, bad: Decimal
) -> None:
    with pytest.raises(ValidationError):
        funding.set_allocations(programme=programme, amounts={partner_a.pk: bad}, by=official)
    assert not Allocation.objects.exists()


def test_float_is_a_programming_error(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    with pytest.raises(TypeError):
        funding.set_allocations(programme=programme, amounts={partner_a.pk: 1.5}, by=official)  # type: ignore[dict-item]


def test_every_change_of_money_is_in_the_history(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("100")}, by=official, reason="Start"
    )
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("250")}, by=official, reason="Höjt"
    )
    funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("250")}, by=official
    )
    allocation = Allocation.objects.get()
    events = list(AuditEvent.objects.for_object(allocation).order_by("id"))
    assert [(e.action, e.changes["amount"], e.reason, e.actor) for e in events] == [
        ("allocation.created", [None, "100"], "Start", official),
        ("allocation.updated", ["100", "250"], "Höjt", official),
    ]


def test_closed_year_refuses_changes(
    programme: Programme, budget_year: BudgetYear, partner_a: Partner, official: User
) -> None:
    funding.set_budget_year_status(budget_year=budget_year, status="closed", by=official)
    with pytest.raises(ValidationError, match="avslutat"):
        funding.set_allocations(
            programme=programme, amounts={partner_a.pk: Decimal("1")}, by=official
        )


def test_inactive_partner_gets_no_new_allocation(programme: Programme, official: User) -> None:
    from tests.conftest import make_partner

    gone = make_partner("gamma", is_active=False)
    with pytest.raises(ValidationError, match="inte aktiv"):
        funding.set_allocations(programme=programme, amounts={gone.pk: Decimal("1")}, by=official)


def test_database_refuses_decided_allocation_without_decision(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    funding.set_allocations(programme=programme, amounts={partner_a.pk: Decimal("1")}, by=official)
    with pytest.raises(IntegrityError):
        Allocation.objects.update(status=AllocationStatus.DECIDED)


def test_database_refuses_two_allocations_for_one_partner(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    funding.set_allocations(programme=programme, amounts={partner_a.pk: Decimal("1")}, by=official)
    with pytest.raises(IntegrityError):
        Allocation.objects.create(programme=programme, partner=partner_a, amount=Decimal("2"))
