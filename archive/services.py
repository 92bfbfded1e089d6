"""Asking for archive bundles and keeping their builds going.

`request_bundle` queues a year's bundle for the worker (archive.tasks, which builds it with
archive.bundles). A build whose worker dies (killed, machine lost) leaves its bundle running
with no progress and its half-written ZIP in a temporary file that vanishes with the process;
`recover_stalled_bundles` (also `manage.py recover_stalled_bundles`) queues such bundles again.
Dependencies point one way: services → tasks → bundles.
"""

from datetime import timedelta
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from archive.bundles import build_bundle, count_documents, zip_name
from archive.models import ArchiveBundle, BundleStatus
from archive.tasks import build_archive_bundle
from audit.actions import AuditAction
from audit.services import record_event
from funding.models import BudgetYear

# A running build reports progress at least every 1 % of its documents and again before it
# uploads the ZIP; one silent for this long has stopped (its worker was killed or lost) and
# `recover_stalled_bundles` queues it again. Generous: a year of 3 000 documents builds in
# about a second and its ZIP is about 100 MB (docs/performance.md).
STALLED_AFTER = timedelta(minutes=15)


@transaction.atomic
def request_bundle(*, budget_year: BudgetYear, by: User) -> ArchiveBundle:
    """Queue a bundle for the year; the worker builds it (see archive.tasks)."""
    bundle = ArchiveBundle.objects.create(
        budget_year=budget_year, requested_by=by, total=count_documents(budget_year)
    )
    record_event(action=AuditAction.ARCHIVE_REQUESTED, target=bundle, by=by)
    transaction.on_commit(partial(_enqueue_build, bundle.pk))
    return bundle


def _enqueue_build(bundle_id: int) -> None:
    """Hand the build to the worker (after commit, so the worker finds the bundle)."""
    result = build_archive_bundle.enqueue(bundle_id)
    ArchiveBundle.objects.filter(pk=bundle_id).update(task_id=str(result.id))


@transaction.atomic
def recover_stalled_bundles(*, stalled_after: timedelta = STALLED_AFTER) -> list[ArchiveBundle]:
    """Queue again every bundle whose build made no progress for `stalled_after`.

    A worker that dies mid-build (SIGKILL, out of memory, a lost machine) leaves its bundle
    running for ever, and django-tasks-db never hands a task claimed by a dead worker to
    another. Also covers a bundle still queued that long, whose task was lost (the database
    went away between the request's commit and the enqueue). The bundle is rebuilt from the
    start under a new attempt; the abandoned attempt's ZIP, if it got as far as storage, is
    removed. Bundles whose row another transaction holds (a build finishing right now) are
    left alone. Safe to run at any time and from several machines: `manage.py
    recover_stalled_bundles`, every few minutes (docs/deploy.md).
    """
    cutoff = timezone.now() - stalled_after
    stalled = list(
        ArchiveBundle.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("budget_year")
        .filter(status__in=(BundleStatus.QUEUED, BundleStatus.RUNNING))
        .filter(
            Q(progressed_at__lt=cutoff) | Q(progressed_at__isnull=True, requested_at__lt=cutoff)
        )
        .order_by("pk")
    )
    for bundle in stalled:
        was, last_progress = bundle.status, bundle.progressed_at or bundle.requested_at
        ArchiveBundle.objects.filter(pk=bundle.pk).update(
            status=BundleStatus.QUEUED, done=0, error="", progressed_at=timezone.now()
        )
        bundle.refresh_from_db()
        record_event(
            action=AuditAction.ARCHIVE_REQUEUED,
            target=bundle,
            by=None,
            changes={"status": (was, bundle.status)},
            reason=f"Inget framsteg sedan {last_progress.isoformat(timespec='seconds')}: "
            "bygget har stannat och börjar om.",
        )
        if was == BundleStatus.RUNNING:
            transaction.on_commit(partial(default_storage.delete, zip_name(bundle, bundle.attempt)))
        transaction.on_commit(partial(_enqueue_build, bundle.pk))
    return stalled


# build_bundle is the worker's (archive.bundles); here too for callers that build in-process.
__all__ = [
    "STALLED_AFTER",
    "build_bundle",
    "recover_stalled_bundles",
    "request_bundle",
]
