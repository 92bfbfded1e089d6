"""Recovering stalled archive bundles (archive.services.recover_stalled_bundles), in-process.

tests/faults/test_postgres_faults.py kills a real worker; these pin the rules around it on the test
database: which bundles count as stalled, and that a build given up on while it was still
alive can never overwrite or serve anything.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from archive.models import ArchiveBundle, BundleStatus
from archive.services import STALLED_AFTER, build_bundle, recover_stalled_bundles
from audit.models import AuditEvent
from funding.models import BudgetYear

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data (four documents in 2024)."""


def _bundle(**values: object) -> ArchiveBundle:
    return ArchiveBundle.objects.create(
        budget_year=BudgetYear.objects.get(year=2024),
        requested_by=User.objects.get(username="sekreterare"),
        **values,
    )


def _quiet_for(bundle: ArchiveBundle, delta: timedelta) -> None:
    ArchiveBundle.objects.filter(pk=bundle.pk).update(progressed_at=timezone.now() - delta)


def test_only_bundles_without_progress_for_longer_than_asked_are_queued_again(
    django_capture_on_commit_callbacks: object,
) -> None:
    stalled = _bundle(status=BundleStatus.RUNNING, attempt=1, total=4, done=2)
    _quiet_for(stalled, STALLED_AFTER + timedelta(minutes=1))
    alive = _bundle(status=BundleStatus.RUNNING, attempt=1, total=4, done=2)
    _quiet_for(alive, STALLED_AFTER - timedelta(minutes=1))
    lost_task = _bundle()  # queued, its task never ran
    ArchiveBundle.objects.filter(pk=lost_task.pk).update(
        requested_at=timezone.now() - STALLED_AFTER - timedelta(minutes=1)
    )
    waiting = _bundle()  # queued a moment ago
    finished = _bundle(status=BundleStatus.FAILED, attempt=1, error="x")
    _quiet_for(finished, timedelta(days=1))

    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        recovered = recover_stalled_bundles()

    assert [b.pk for b in recovered] == [stalled.pk, lost_task.pk]
    assert len(callbacks) == 3  # the abandoned attempt's ZIP removed; two builds enqueued
    for bundle in (stalled, lost_task):
        bundle.refresh_from_db()
        assert (bundle.status, bundle.done) == (BundleStatus.QUEUED, 0)
        assert AuditEvent.objects.for_object(bundle).get().action == "archive.requeued"
    for bundle, status in ((alive, "running"), (waiting, "queued"), (finished, "failed")):
        bundle.refresh_from_db()
        assert bundle.status == status
        assert not AuditEvent.objects.for_object(bundle).exists()
    # Nothing is stalled for the next run: a queued-again bundle's clock starts again.
    assert recover_stalled_bundles() == []


def test_a_build_given_up_on_while_still_alive_writes_nothing_and_the_next_one_wins() -> None:
    bundle = _bundle()

    def give_up_halfway(done: int, total: int) -> None:
        if done == 2:  # housekeeping decides this build has stopped, while it still runs
            _quiet_for(bundle, STALLED_AFTER * 2)
            assert [b.pk for b in recover_stalled_bundles()] == [bundle.pk]

    first = build_bundle(bundle.pk, on_progress=give_up_halfway)
    assert (first.status, first.attempt, first.file.name, first.done) == ("queued", 1, "", 0)
    assert not default_storage.exists(f"archive/arkivpaket-2024-{bundle.pk}-1.zip")

    second = build_bundle(bundle.pk)
    assert (second.status, second.attempt, second.done) == ("done", 2, 12)
    assert second.file.name == f"archive/arkivpaket-2024-{bundle.pk}-2.zip"
    actions = [e.action for e in AuditEvent.objects.for_object(bundle).order_by("id")]
    assert actions == ["archive.requeued", "archive.built"]
    # A late task for the same bundle (it was enqueued twice) finds it built and does nothing.
    assert build_bundle(bundle.pk).attempt == 2


def test_the_command_reports_what_it_queued_again() -> None:
    bundle = _bundle(status=BundleStatus.RUNNING, attempt=1)
    _quiet_for(bundle, timedelta(minutes=2))
    out = StringIO()
    call_command("recover_stalled_bundles", "--stalled-after", "60", stdout=out)
    assert f"Queued again: archive bundle {bundle.pk} (2024)." in out.getvalue()
    assert "1 stalled archive bundle(s) queued again." in out.getvalue()
