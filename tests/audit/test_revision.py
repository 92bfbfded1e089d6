"""The revision: a version stamp for caches that moves with every recorded change, in commit
order (issue 8: the budget overview's figures are cached under it)."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.actions import AuditAction
from audit.cache import revision
from audit.models import current_revision
from audit.services import record_event
from partners.models import Partner
from tests.accounts.test_session_cache import redis_url, shared_cache  # noqa: F401
from tests.accounts.test_sessions import _commands_made
from tests.conftest import make_partner
from tests.helpers import waiting_on_a_lock


@pytest.mark.django_db
def test_every_recorded_change_moves_the_revision_and_a_rollback_does_not() -> None:
    partner = make_partner("alfa")  # recorded through the service
    before = current_revision()
    assert before >= 1
    record_event(action=AuditAction.PARTNER_UPDATED, target=partner, by=None)
    assert current_revision() == before + 1

    def record_then_fail() -> None:
        with transaction.atomic():
            record_event(action=AuditAction.PARTNER_UPDATED, target=partner, by=None)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        record_then_fail()
    assert current_revision() == before + 1


def _record_change(partner: Partner) -> None:
    record_event(
        action=AuditAction.PARTNER_UPDATED, target=Partner.objects.get(pk=partner.pk), by=None
    )


def _change_held_open(
    partner: Partner, recorded: threading.Event, release: threading.Event
) -> None:
    """In a thread of its own: record a change of `partner`, say so, and keep the transaction
    open until released."""
    try:
        with transaction.atomic():
            _record_change(partner)
            recorded.set()
            release.wait(timeout=10)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_revisions_follow_commit_order_and_are_unseen_until_commit() -> None:
    """A second writer waits for the first to commit, and readers see neither number early,
    so figures cached under a number never miss a change that number stands for."""
    partner = make_partner("beta")
    start = current_revision()
    first_recorded, release_first = threading.Event(), threading.Event()
    seen_by_second: list[int] = []

    def second() -> None:
        try:
            with transaction.atomic():
                _record_change(partner)
                seen_by_second.append(current_revision())
        finally:
            connection.close()

    a = threading.Thread(target=_change_held_open, args=(partner, first_recorded, release_first))
    a.start()
    assert first_recorded.wait(timeout=10)
    assert current_revision() == start  # not committed: not seen
    b = threading.Thread(target=second)
    b.start()
    for _ in range(100):
        if waiting_on_a_lock():
            break
        time.sleep(0.05)
    assert waiting_on_a_lock(), "the second writer should wait for the first to commit"
    assert seen_by_second == []
    release_first.set()
    a.join(timeout=10)
    b.join(timeout=10)
    assert seen_by_second == [start + 2]
    assert current_revision() == start + 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_cache")
def test_with_redis_a_revision_read_while_a_change_commits_is_not_kept() -> None:
    """With a shared cache the revision is kept there (audit.cache). A reader that goes to the
    database while a change waits to commit keeps the old number, under a generation that the
    commit then removes: the next read, on any server, has the new number."""
    partner = make_partner("gamma")
    start = revision()
    recorded, release = threading.Event(), threading.Event()

    writer = threading.Thread(target=_change_held_open, args=(partner, recorded, release))
    writer.start()
    assert recorded.wait(timeout=10)
    assert revision() == start  # read from the database: the change is not committed yet
    with CaptureQueriesContext(connection) as queries:
        assert revision() == start
    assert len(queries) == 0, "the second read should come from the cache"
    release.set()
    writer.join(timeout=10)
    assert revision() == start + 1 == current_revision()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_cache")
def test_with_redis_a_transaction_forgets_the_revision_at_commit_once() -> None:
    """Every recorded change forgets the revision at once; the delete at commit is made once
    for the transaction, not once per change."""
    partner = make_partner("delta")

    def record_twenty() -> None:
        with transaction.atomic():
            for _ in range(20):
                _record_change(partner)

    made = _commands_made(record_twenty)
    assert made.get("cmdstat_del") == 20 + 1, made
    assert revision() == current_revision()
