"""Building archive bundles: every issued document of a budget year in one ZIP, with an index.

The ZIP streams document by document into a temporary file and then into document storage,
so memory stays flat however many documents a year has. Each stored document's SHA-256 is
recomputed while it is copied and must equal the one recorded when it was sealed: a bundle
never carries a document that changed in storage.
"""

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import SignedDocument
from archive.models import ArchiveBundle, BundleStatus
from audit.services import record_event
from funding.models import BudgetYear, DecisionDocument

CHUNK = 256 * 1024


@dataclass(frozen=True)
class IndexEntry:
    path: str
    kind: str
    sha256: str
    size: int
    reference: str
    version: int | None
    date: str
    sealed_at: str


@dataclass(frozen=True)
class _Source:
    storage_name: str
    entry: IndexEntry


def _documents(budget_year: BudgetYear) -> Iterator[_Source]:
    """The year's decision extracts, then its signed agreements (all versions), in order."""
    decisions = (
        DecisionDocument.objects.filter(
            decision__items__allocation__programme__budget_year=budget_year
        )
        .select_related("decision")
        .distinct()
        .order_by("decision__meeting_date", "decision__paragraph", "pk")
    )
    for decision_doc in decisions.iterator(chunk_size=200):
        d = decision_doc.decision
        yield _Source(
            str(decision_doc.file.name),
            IndexEntry(
                path=f"beslut/{d.meeting_date:%Y-%m-%d}-{d.registration_number}-p{d.paragraph}.pdf",
                kind="protokollsutdrag",
                sha256=decision_doc.sha256,
                size=decision_doc.size,
                reference=f"{d.registration_number} § {d.paragraph}",
                version=None,
                date=d.meeting_date.isoformat(),
                sealed_at=decision_doc.created_at.isoformat(),
            ),
        )
    agreements = (
        SignedDocument.objects.filter(agreement__allocation__programme__budget_year=budget_year)
        .select_related("agreement")
        .order_by("agreement__reference", "agreement_version")
    )
    for doc in agreements.iterator(chunk_size=200):
        a = doc.agreement
        yield _Source(
            str(doc.file.name),
            IndexEntry(
                path=f"overenskommelser/{a.reference}-v{doc.agreement_version}.pdf",
                kind="overenskommelse",
                sha256=doc.sha256,
                size=doc.size,
                reference=a.reference,
                version=doc.agreement_version,
                date=a.period_start.isoformat(),
                sealed_at=doc.created_at.isoformat(),
            ),
        )


def count_documents(budget_year: BudgetYear) -> int:
    decisions = (
        DecisionDocument.objects.filter(
            decision__items__allocation__programme__budget_year=budget_year
        )
        .distinct()
        .count()
    )
    agreements = SignedDocument.objects.filter(
        agreement__allocation__programme__budget_year=budget_year
    ).count()
    return decisions + agreements


@transaction.atomic
def request_bundle(*, budget_year: BudgetYear, by: User) -> ArchiveBundle:
    """Queue a bundle for the year; the worker builds it (see archive.tasks)."""
    from archive.tasks import build_archive_bundle

    bundle = ArchiveBundle.objects.create(
        budget_year=budget_year, requested_by=by, total=count_documents(budget_year)
    )
    record_event(action="archive.requested", target=bundle, by=by)

    def enqueue() -> None:
        result = build_archive_bundle.enqueue(bundle.pk)
        ArchiveBundle.objects.filter(pk=bundle.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return bundle


def _copy_verified(source: _Source, target: Any) -> None:
    digest = hashlib.sha256()
    with default_storage.open(source.storage_name, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != source.entry.sha256:
        raise ValidationError(
            _("%(path)s i lagringen stämmer inte med sin kontrollsumma.")
            % {"path": source.entry.path}
        )


def _index_csv(entries: list[IndexEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["dokument", "typ", "sha256", "storlek", "referens", "version", "datum",
                     "forseglat"])  # fmt: skip
    for e in entries:
        writer.writerow([e.path, e.kind, e.sha256, e.size, e.reference, e.version or "", e.date,
                         e.sealed_at])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def build_bundle(
    bundle_id: int, *, on_progress: Callable[[int, int], None] | None = None
) -> ArchiveBundle:
    """Build the ZIP for a queued bundle, reporting progress after each document."""
    bundle = ArchiveBundle.objects.select_related("budget_year").get(pk=bundle_id)
    if bundle.status not in (BundleStatus.QUEUED, BundleStatus.FAILED):
        return bundle
    year = bundle.budget_year
    total = count_documents(year)
    ArchiveBundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.RUNNING, total=total, done=0, error=""
    )

    # The progress bar moves in steps of 1 %: one UPDATE per document would be 3 000 writes
    # for a decade's bundle, for a bar nobody can read that finely.
    step = max(1, total // 100)

    def report(done: int) -> None:
        if done % step == 0 or done == total:
            ArchiveBundle.objects.filter(pk=bundle.pk).update(done=done)
        if on_progress is not None:
            on_progress(done, total)

    entries: list[IndexEntry] = []
    try:
        with tempfile.TemporaryFile() as tmp:
            with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
                for source in _documents(year):
                    info = zipfile.ZipInfo(
                        source.entry.path, date_time=timezone.now().timetuple()[:6]
                    )
                    info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already
                    with zf.open(info, "w", force_zip64=True) as target:
                        _copy_verified(source, target)
                    entries.append(source.entry)
                    report(len(entries))
                index = {
                    "budget_year": year.year,
                    "created_at": timezone.now(),
                    "documents": [asdict(e) for e in entries],
                }
                zf.writestr(
                    "index.json",
                    json.dumps(index, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
                    compress_type=zipfile.ZIP_DEFLATED,
                )
                zf.writestr("index.csv", _index_csv(entries), compress_type=zipfile.ZIP_DEFLATED)
            tmp.seek(0)
            digest = hashlib.sha256()
            while chunk := tmp.read(CHUNK):
                digest.update(chunk)
            size = tmp.tell()
            tmp.seek(0)
            name = default_storage.save(
                f"archive/arkivpaket-{year.year}-{digest.hexdigest()[:12]}.zip", File(tmp)
            )
    except Exception as exc:
        ArchiveBundle.objects.filter(pk=bundle.pk).update(
            status=BundleStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    ArchiveBundle.objects.filter(pk=bundle.pk).update(
        status=BundleStatus.DONE,
        file=name,
        sha256=digest.hexdigest(),
        size=size,
        done=len(entries),
        total=len(entries),
        finished_at=timezone.now(),
    )
    bundle.refresh_from_db()
    return bundle
