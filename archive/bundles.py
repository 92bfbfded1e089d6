"""Building archive bundles: every issued document of a budget year in one ZIP, with an index.

The ZIP streams document by document into a temporary file and then into document storage,
so memory stays flat however many documents a year has. Each stored document's SHA-256 is
recomputed while it is copied and must equal the one recorded when it was sealed: a bundle
never carries a document that changed in storage.

A bundle is marked done only after its ZIP is completely stored, in one transaction with its
history row; each build claims the bundle under a new attempt number, so a build given up on
can never overwrite the one that replaced it (archive.services.recover_stalled_bundles,
docs/architecture.md, "Recovery"). Run by the worker (archive.tasks); nothing here enqueues.
"""

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from itertools import chain
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Report, ReportAttachment, ReportStatus, SignedDocument
from archive.models import ArchiveBundle, BundleStatus
from audit.actions import AuditAction
from audit.services import record_event
from funding.models import BudgetYear, DecisionDocument

CHUNK = 256 * 1024


class BuildSuperseded(Exception):
    """The bundle was queued again, or another build claimed it, while this one ran."""


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


def _approved_reports(budget_year: BudgetYear) -> QuerySet[Report]:
    return Report.objects.filter(
        status=ReportStatus.APPROVED,
        requirement__agreement__allocation__programme__budget_year=budget_year,
    )


def _reports(budget_year: BudgetYear) -> Iterator[_Source]:
    """The year's approved reports as sealed PDFs, each followed by its attachments."""
    reports = (
        _approved_reports(budget_year)
        .select_related("requirement__agreement")
        .prefetch_related("attachments")
        .order_by("requirement__agreement__reference", "requirement__due_date", "pk")
    )
    for report in reports.iterator(chunk_size=200):
        a, requirement = report.requirement.agreement, report.requirement
        stem = f"aterrapporter/{a.reference}-{requirement.due_date:%Y-%m-%d}-R{requirement.pk}"
        yield _Source(
            str(report.document.name),
            IndexEntry(
                path=f"{stem}.pdf",
                kind="aterrapport",
                sha256=report.document_sha256,
                size=report.document_size or 0,
                reference=a.reference,
                version=a.version,
                date=requirement.due_date.isoformat(),
                sealed_at=report.reviewed_at.isoformat() if report.reviewed_at else "",
            ),
        )
        for n, attachment in enumerate(report.attachments.all(), start=1):
            yield _Source(
                str(attachment.file.name),
                IndexEntry(
                    path=f"{stem}-bilagor/{n:02d}-{attachment.name}",
                    kind="bilaga",
                    sha256=attachment.sha256,
                    size=attachment.size,
                    reference=a.reference,
                    version=a.version,
                    date=attachment.uploaded_at.date().isoformat(),
                    sealed_at="",
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
    reports = _approved_reports(budget_year)
    attachments = ReportAttachment.objects.filter(report__in=reports).count()
    return decisions + agreements + reports.count() + attachments


def zip_name(bundle: ArchiveBundle, attempt: int) -> str:
    """Where an attempt stores its ZIP: known in advance, so an abandoned one can be removed."""
    return f"archive/arkivpaket-{bundle.budget_year.year}-{bundle.pk}-{attempt}.zip"


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


CSV_HEADER = ["dokument", "typ", "sha256", "storlek", "referens", "version", "datum", "forseglat"]


class _SpooledIndex:
    """index.json and index.csv, written row by row to temporary files as documents are added
    and copied into the ZIP at the end: a year with 3 000 documents keeps no list of them."""

    def __init__(self, stack: ExitStack) -> None:
        # The stack closes them (ruff cannot see that).
        self.json = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115
        self.csv = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline=""))  # noqa: SIM115
        self._rows = csv.writer(self.csv, delimiter=";", lineterminator="\r\n")
        self.csv.write("\ufeff")  # Excel with Swedish settings then reads UTF-8 correctly
        self._rows.writerow(CSV_HEADER)
        self.count = 0

    def add(self, e: IndexEntry) -> None:
        separator = ",\n" if self.count else "\n"
        self.json.write(separator + "    " + json.dumps(asdict(e), ensure_ascii=False))
        self._rows.writerow([e.path, e.kind, e.sha256, e.size, e.reference, e.version or "",
                             e.date, e.sealed_at])  # fmt: skip
        self.count += 1

    def write_to(self, zf: zipfile.ZipFile, *, budget_year: int) -> None:
        head = json.dumps(
            {"budget_year": budget_year, "created_at": timezone.now()}, cls=DjangoJSONEncoder
        )[:-1]  # the object left open for its documents
        parts: list[tuple[str, list[IO[str]]]] = [
            (
                "index.json",
                [io.StringIO(head + ', "documents": ['), self.json, io.StringIO("\n]}\n")],
            ),
            ("index.csv", [self.csv]),
        ]
        for name, sources in parts:
            info = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as target:
                for source in sources:
                    source.seek(0)
                    while text := source.read(CHUNK):
                        target.write(text.encode("utf-8"))


def build_bundle(
    bundle_id: int, *, on_progress: Callable[[int, int], None] | None = None
) -> ArchiveBundle:
    """Build the ZIP for a queued bundle, reporting progress after each document."""
    bundle = ArchiveBundle.objects.select_related("budget_year").get(pk=bundle_id)
    if bundle.status not in (BundleStatus.QUEUED, BundleStatus.FAILED):
        return bundle
    year = bundle.budget_year
    total = count_documents(year)
    # Claim the bundle: one conditional UPDATE, so of two tasks for one bundle (a bundle
    # queued again while its first task still waited) only one builds it.
    attempt = bundle.attempt + 1
    claimed = ArchiveBundle.objects.filter(
        pk=bundle.pk, attempt=bundle.attempt, status__in=(BundleStatus.QUEUED, BundleStatus.FAILED)
    ).update(
        status=BundleStatus.RUNNING,
        attempt=attempt,
        total=total,
        done=0,
        error="",
        progressed_at=timezone.now(),
    )
    if not claimed:
        bundle.refresh_from_db()
        return bundle
    mine = ArchiveBundle.objects.filter(pk=bundle.pk, attempt=attempt, status=BundleStatus.RUNNING)

    def alive(**fields: Any) -> None:
        if not mine.update(progressed_at=timezone.now(), **fields):
            raise BuildSuperseded

    # The progress bar moves in steps of 1 %: one UPDATE per document would be 3 000 writes
    # for a decade's bundle, for a bar nobody can read that finely.
    step = max(1, total // 100)

    def report(done: int) -> None:
        if done % step == 0 or done == total:
            alive(done=done)
        if on_progress is not None:
            on_progress(done, total)

    name = ""
    try:
        with ExitStack() as stack:
            # Unnamed (O_TMPFILE on Linux): a half-written ZIP dies with the process.
            tmp = stack.enter_context(tempfile.TemporaryFile())
            index = _SpooledIndex(stack)
            with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
                for source in chain(_documents(year), _reports(year)):
                    info = zipfile.ZipInfo(
                        source.entry.path, date_time=timezone.now().timetuple()[:6]
                    )
                    info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already
                    with zf.open(info, "w", force_zip64=True) as target:
                        _copy_verified(source, target)
                    index.add(source.entry)
                    report(index.count)
                index.write_to(zf, budget_year=year.year)
            tmp.seek(0)
            digest = hashlib.sha256()
            while chunk := tmp.read(CHUNK):
                digest.update(chunk)
            size = tmp.tell()
            tmp.seek(0)
            alive()  # before the upload, which is the one long step without progress reports
            name = default_storage.save(zip_name(bundle, attempt), File(tmp))
        with transaction.atomic():
            # Done only now that the ZIP is completely stored, and with its history row or not
            # at all: a worker killed here leaves the bundle running, never done without a file.
            if not mine.update(
                status=BundleStatus.DONE,
                file=name,
                sha256=digest.hexdigest(),
                size=size,
                done=index.count,
                total=index.count,
                finished_at=timezone.now(),
                progressed_at=timezone.now(),
            ):
                raise BuildSuperseded
            bundle.refresh_from_db()
            record_event(
                action=AuditAction.ARCHIVE_BUILT,
                target=bundle,
                by=None,
                changes={
                    "status": (BundleStatus.RUNNING, bundle.status),
                    "sha256": ("", bundle.sha256),
                },
            )
    except BuildSuperseded:
        # Another build owns the bundle now and no row names this attempt's ZIP.
        if name:
            default_storage.delete(name)
        bundle.refresh_from_db()
        return bundle
    except Exception as exc:
        with transaction.atomic():
            if mine.update(
                status=BundleStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            ):
                record_event(
                    action=AuditAction.ARCHIVE_FAILED,
                    target=bundle,
                    by=None,
                    reason=str(exc)[:2000],
                )
        raise
    return bundle
