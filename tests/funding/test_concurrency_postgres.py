"""Design §3 invariant 2 under concurrent writers, on PostgreSQL (SQLite serialises writers, so
the row locks are only meaningful here).

Two secretaries decide two decisions of the same programme at the same moment. Each fits under
the ceiling alone; together they do not. Exactly one may win.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts.models import User
from funding import services as funding
from funding.models import Allocation, Decision, Programme
from partners.models import Partner
from tests.funding.helpers import decided_total
from tests.helpers import waiting_on_a_lock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _draft_decision(allocation: Allocation, paragraph: int, by: User) -> Decision:
    from datetime import date

    decision = funding.create_decision(
        meeting_date=date(2023, 10, 24),
        paragraph=paragraph,
        registration_number=f"RS23000{paragraph}",
        title="Beslut",
        text="Text",
        by=by,
    )
    funding.add_to_decision(decision=decision, allocation=allocation, by=by)
    return decision


@pytest.fixture
def two_decisions(
    programme: Programme, partner_a: Partner, partner_b: Partner, official: User, secretary: User
) -> tuple[Decision, Decision]:
    funding.set_allocations(
        programme=programme,
        amounts={partner_a.pk: Decimal("7000000"), partner_b.pk: Decimal("7000000")},
        by=official,
    )
    a, b = programme.allocations.order_by("partner__slug")
    return _draft_decision(a, 1, secretary), _draft_decision(b, 2, secretary)


def test_second_decider_waits_for_the_lock_then_is_refused(
    programme: Programme, two_decisions: tuple[Decision, Decision], secretary: User
) -> None:
    first, second = two_decisions
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, object] = {}

    def decide_first() -> None:
        try:
            with transaction.atomic():
                funding.decide(decision=first, by=secretary)
                first_holds_lock.set()
                release_first.wait(timeout=10)  # commit only once the second one is blocked
            outcome["first"] = "decided"
        except ValidationError as exc:
            outcome["first"] = exc
        finally:
            connection.close()

    def decide_second() -> None:
        first_holds_lock.wait(timeout=10)
        try:
            funding.decide(decision=second, by=secretary)
            outcome["second"] = "decided"
        except ValidationError as exc:
            outcome["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_first), threading.Thread(target=decide_second)]
    for t in threads:
        t.start()
    # Prove the overlap: the second transaction is blocked on the programme's row lock while
    # the first has decided but not committed. Without the lock it would not wait, would read
    # the committed total (0 kr) and would also decide, ending 2 100 000 kr over the ceiling.
    deadline = time.monotonic() + 10
    blocked = False
    while time.monotonic() < deadline and not blocked:
        blocked = first_holds_lock.is_set() and waiting_on_a_lock()
        time.sleep(0.02)
    release_first.set()
    for t in threads:
        t.join(timeout=20)

    assert blocked, "the second decider never waited for the first one's lock"
    assert outcome["first"] == "decided"
    assert isinstance(outcome["second"], ValidationError)
    assert "över taket" in outcome["second"].messages[0]
    assert decided_total(programme) == Decimal("7000000")
    second.refresh_from_db()
    assert second.status == "draft"


def test_free_race_exactly_one_wins(
    programme: Programme, two_decisions: tuple[Decision, Decision], secretary: User
) -> None:
    start = threading.Barrier(2)
    results: list[str] = []

    def decide(decision: Decision) -> None:
        start.wait(timeout=10)
        try:
            funding.decide(decision=decision, by=secretary)
            results.append("won")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(d,)) for d in two_decisions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert sorted(results) == ["refused", "won"]
    assert decided_total(programme) == Decimal("7000000")


def test_two_officials_saving_the_same_draft_second_gets_a_conflict(
    programme: Programme, partner_a: Partner, official: User
) -> None:
    """Design §3 invariant 4 under real concurrency: both loaded version 1; the first saves
    while holding the programme lock; the second waits, then sees version 2 and is refused
    instead of silently overwriting."""
    first_result = funding.set_allocations(
        programme=programme, amounts={partner_a.pk: Decimal("100")}, by=official
    )
    seen = {partner_a.pk: first_result.allocations[0].version}
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, object] = {}

    def save(name: str, amount: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                funding.set_allocations(
                    programme=programme,
                    amounts={partner_a.pk: Decimal(amount)},
                    expected_versions=seen,
                    by=official,
                )
                if hold:
                    first_holds_lock.set()
                    release_first.wait(timeout=10)
            outcome[name] = "saved"
        except funding.StaleAllocationsError as exc:
            outcome[name] = exc
        finally:
            connection.close()

    def second() -> None:
        first_holds_lock.wait(timeout=10)
        save("second", "300", hold=False)

    threads = [
        threading.Thread(target=save, args=("first", "200", True)),
        threading.Thread(target=second),
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    blocked = False
    while time.monotonic() < deadline and not blocked:
        blocked = first_holds_lock.is_set() and waiting_on_a_lock()
        time.sleep(0.02)
    release_first.set()
    for t in threads:
        t.join(timeout=20)

    assert blocked, "the second save never waited for the first one's lock"
    assert outcome["first"] == "saved"
    assert isinstance(outcome["second"], funding.StaleAllocationsError)
    assert outcome["second"].conflicts[0].current_amount == Decimal("200")
    assert Allocation.objects.get().amount == Decimal("200")
