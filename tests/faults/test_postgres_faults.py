"""Fault injection: the database restarts during a save, the task worker dies mid-bundle.

The application runs as it does in production, as separate processes on PostgreSQL: app
processes (tests/faults/app_process.py, persistent connections), `manage.py db_worker`,
`manage.py migrate`, `load_demo` and `recover_stalled_bundles`, all on a private PostgreSQL
cluster this module starts, restarts and deletes (tests/faults/harness.py). The faults are
real: the server is restarted with `pg_ctl restart`, shut down cleanly (`-m fast`: sessions are
told and rolled back) and crashed (`-m immediate`: killed, crash recovery at start), and the
worker gets SIGKILL. The moments are made deterministic with real locks and real storage, never
with sleeps or hooks in the application: the test holds the history's revision row (which every
audited write locks) or puts a named pipe where a stored document was, so the victim is known
to wait at exactly that point, and is checked to be waiting there before the fault strikes.
"""

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple, NotRequired, TypedDict

import psycopg
import pytest

from tests.faults.harness import (
    Cluster,
    Processes,
    Site,
    Worker,
    deleted_files_open_by,
    one,
    wait_for,
)

pytestmark = pytest.mark.postgres

CONNECTION_LOST = ("django.db.utils.OperationalError", "django.db.utils.InterfaceError")


def waiting_on(db: psycopg.Connection, application_name: str, holder: int) -> int | None:
    """The backend of `application_name` that waits for a lock `holder` holds, if any."""
    return one(
        db,
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s"
        " AND %s = ANY(pg_blocking_pids(pid))",
        application_name,
        holder,
    )


def lock_history(cluster: Cluster) -> psycopg.Connection:
    """Hold the history's revision row: every audited write waits at its `record_event`."""
    holder = cluster.connect(autocommit=False)
    holder.execute("SELECT number FROM audit_revision WHERE id = 1 FOR UPDATE")
    return holder


# --------------------------------------------------------------------------- database restart


def allocations_2025(db: psycopg.Connection) -> dict[str, tuple[Decimal, int]]:
    rows = db.execute(
        "SELECT p.slug, a.amount, a.version FROM funding_allocation a"
        " JOIN partners_partner p ON p.id = a.partner_id"
        " JOIN funding_programme g ON g.id = a.programme_id"
        " JOIN funding_budgetyear y ON y.id = g.budget_year_id WHERE y.year = 2025"
    ).fetchall()
    return {slug: (amount, version) for slug, amount, version in rows}


def assert_history_agrees(db: psycopg.Connection) -> None:
    """Every 2025 allocation's amount and version are what its history says: one
    `allocation.updated` per version after the first, the last one ending at the amount."""
    for slug, (amount, version) in allocations_2025(db).items():
        events = db.execute(
            "SELECT e.action, e.changes FROM audit_auditevent e"
            " JOIN django_content_type t ON t.id = e.target_type_id"
            " JOIN funding_allocation a ON e.target_id = a.id::text"
            " JOIN partners_partner p ON p.id = a.partner_id"
            " JOIN funding_programme g ON g.id = a.programme_id"
            " JOIN funding_budgetyear y ON y.id = g.budget_year_id"
            " WHERE t.app_label = 'funding' AND t.model = 'allocation'"
            " AND y.year = 2025 AND p.slug = %s ORDER BY e.id",
            [slug],
        ).fetchall()
        updates = [changes for action, changes in events if action == "allocation.updated"]
        assert [a for a, _ in events] == ["allocation.created"] + ["allocation.updated"] * len(
            updates
        ), slug
        assert version == 1 + len(updates), slug
        assert Decimal(events[-1][1]["amount"][1]) == amount, slug


class SaveAllocations(TypedDict):
    """The arguments of an app process's `save_allocations` (tests/faults/app_process.py)."""

    year: int
    amounts: dict[str, str]  # partner slug: amount
    expected_versions: dict[str, int]  # partner slug: version
    reason: NotRequired[str]


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_database_restart_during_a_save_leaves_all_or_nothing_and_the_app_carries_on(
    site: Site, processes: Processes, mode: str
) -> None:
    web = processes.app("web-1")  # its save is in flight when the database goes down
    idle = processes.app("web-2")  # idle then: its kept connection dies unnoticed
    control = processes.app("web-3", health_checks=False)  # as web-2 without health checks
    connection_of = {}
    for app in (web, idle, control):
        ready = app.answer()
        assert ready["conn_max_age"] == 60  # persistent connections, as bin/serve runs
        assert ready["conn_health_checks"] is (app is not control)
        first, second = app.call("ping"), app.call("ping")
        assert first["ok"], app.log_tail()
        assert first["pid"] == second["pid"]  # one connection kept across requests
        connection_of[app] = first["pid"]

    db = site.cluster.connect()
    assert_history_agrees(db)
    before = allocations_2025(db)
    last_event = one(db, "SELECT max(id) FROM audit_auditevent")
    revision = one(db, "SELECT number FROM audit_revision")
    # Two rows in one unit of work; the first is written before the save reaches the lock.
    save: SaveAllocations = {
        "year": 2025,
        "amounts": {slug: str(before[slug][0] + 1000) for slug in ("coompanion", "connect-vast")},
        "expected_versions": {slug: before[slug][1] for slug in ("coompanion", "connect-vast")},
        "reason": "Felinjektion",
    }

    holder = lock_history(site.cluster)
    web.send("save_allocations", **save)
    waiting = wait_for(
        "web-1's save to wait for the history lock",
        lambda: web.still_working() and waiting_on(db, "faults-web-1", holder.info.backend_pid),
    )
    # Half-way through: it has already updated an allocation row (an UPDATE takes
    # RowExclusiveLock on the table; locking rows FOR UPDATE takes only RowShareLock).
    assert one(
        db,
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " WHERE l.pid = %s AND c.relname = 'funding_allocation' AND l.mode = 'RowExclusiveLock'",
        waiting,
    )

    restarted_at = time.monotonic()
    site.cluster.restart(mode)
    failed = web.answer(timeout=30)
    failed_after = time.monotonic() - restarted_at
    for connection in (holder, db):
        connection.close()

    # The save failed, at once and with a database error, not a hang.
    assert not failed["ok"]
    assert failed["error"] in CONNECTION_LOST, failed
    assert failed_after < 10
    # Nothing of it is left: not the row it had written, not a history row, not the revision.
    db = site.cluster.connect()
    assert allocations_2025(db) == before
    assert one(db, "SELECT count(*) FROM audit_auditevent WHERE id > %s", last_event) == 0
    assert one(db, "SELECT number FROM audit_revision") == revision
    assert_history_agrees(db)

    # The same process, not restarted, saves the same change: all of it, with its history.
    # (Django drops a connection that raised an error at the end of the request, so this
    # holds even without health checks; the idle process below is what those are for.)
    saved = web.call("save_allocations", **save)
    assert saved["ok"], saved
    assert saved["pid"] != connection_of[web]  # on a new connection
    assert saved["changed"] == ["connect-vast", "coompanion"]
    after = allocations_2025(db)
    for slug, amount in save["amounts"].items():
        assert after[slug] == (Decimal(amount), before[slug][1] + 1)
    events = db.execute(
        "SELECT action, changes, reason FROM audit_auditevent WHERE id > %s ORDER BY id",
        [last_event],
    ).fetchall()
    assert sorted((a, c["amount"][1], r) for a, c, r in events) == sorted(
        ("allocation.updated", amount, "Felinjektion") for amount in save["amounts"].values()
    )
    assert one(db, "SELECT number FROM audit_revision") == revision + 2
    assert_history_agrees(db)

    # An app process idle during the restart saves at its first try: its dead kept connection
    # fails the health check and is replaced (CONN_HEALTH_CHECKS in config/settings/base.py).
    current = allocations_2025(db)
    idle_save = idle.call(
        "save_allocations",
        year=2025,
        amounts={"matgille": str(current["matgille"][0] + 1)},
        expected_versions={"matgille": current["matgille"][1]},
    )
    assert idle_save["ok"], idle_save
    assert idle_save["pid"] != connection_of[idle]
    assert allocations_2025(db)["matgille"] == (
        current["matgille"][0] + 1,
        current["matgille"][1] + 1,
    )
    assert_history_agrees(db)
    # The control: the same process without health checks fails its first request after the
    # restart (the kept connection is dead), and only then reconnects.
    first, second = control.call("ping"), control.call("ping")
    assert not first["ok"]
    assert first["error"] in CONNECTION_LOST, first
    assert second["ok"], second
    db.close()


# --------------------------------------------------------------------------- worker killed


@dataclass(frozen=True)
class Document:
    name: str  # in storage
    sha256: str
    size: int


def documents_2024(db: psycopg.Connection) -> list[Document]:
    """The 2024 bundle's documents in the order the build copies them."""
    decisions = db.execute(
        "SELECT DISTINCT dd.id, dd.file, dd.sha256, dd.size, d.meeting_date, d.paragraph"
        " FROM funding_decisiondocument dd JOIN funding_decision d ON d.id = dd.decision_id"
        " JOIN funding_decisionitem i ON i.decision_id = d.id"
        " JOIN funding_allocation a ON a.id = i.allocation_id"
        " JOIN funding_programme g ON g.id = a.programme_id"
        " JOIN funding_budgetyear y ON y.id = g.budget_year_id WHERE y.year = 2024"
        " ORDER BY d.meeting_date, d.paragraph, dd.id"
    ).fetchall()
    agreements = db.execute(
        "SELECT s.file, s.sha256, s.size FROM agreements_signeddocument s"
        " JOIN agreements_agreement ag ON ag.id = s.agreement_id"
        " JOIN funding_allocation a ON a.id = ag.allocation_id"
        " JOIN funding_programme g ON g.id = a.programme_id"
        " JOIN funding_budgetyear y ON y.id = g.budget_year_id WHERE y.year = 2024"
        " ORDER BY ag.reference, s.agreement_version"
    ).fetchall()
    reports = db.execute(
        "SELECT r.id, r.document, r.document_sha256, r.document_size FROM agreements_report r"
        " JOIN agreements_reportingrequirement q ON q.id = r.requirement_id"
        " JOIN agreements_agreement ag ON ag.id = q.agreement_id"
        " JOIN funding_allocation a ON a.id = ag.allocation_id"
        " JOIN funding_programme g ON g.id = a.programme_id"
        " JOIN funding_budgetyear y ON y.id = g.budget_year_id"
        " WHERE y.year = 2024 AND r.status = 'approved'"
        " ORDER BY ag.reference, q.due_date, r.id"
    ).fetchall()
    approved = []
    for report_id, *document in reports:  # each approved report, then its attachments
        approved.append(Document(*document))
        approved += [
            Document(*row)
            for row in db.execute(
                "SELECT file, sha256, size FROM agreements_reportattachment"
                " WHERE report_id = %s ORDER BY uploaded_at, id",
                (report_id,),
            ).fetchall()
        ]
    return (
        [Document(r[1], r[2], r[3]) for r in decisions]
        + [Document(*r) for r in agreements]
        + approved
    )


class Bundle(NamedTuple):
    status: str
    done: int
    total: int
    attempt: int
    file: str
    sha256: str
    task_id: str
    quiet_for: float  # seconds since its last progress


def bundle(db: psycopg.Connection, pk: int) -> Bundle:
    row = db.execute(
        "SELECT status, done, total, attempt, file, sha256, task_id,"
        " extract(epoch FROM now() - coalesce(progressed_at, requested_at))::float"
        " FROM archive_archivebundle WHERE id = %s",
        [pk],
    ).fetchone()
    assert row is not None
    return Bundle(*row)


def where_it_stands(db: psycopg.Connection, pk: int, worker: Worker) -> str:
    """For a wait that ran out: the bundle, its task, every other backend (what it waits on,
    whom it waits for) and the worker's log, so a failure on a loaded CI machine says why."""
    backends = db.execute(
        "SELECT pid, application_name, state, wait_event_type, wait_event,"
        " pg_blocking_pids(pid), left(query, 80) FROM pg_stat_activity"
        " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
    ).fetchall()
    now = bundle(db, pk)
    return "\n".join(
        [
            f"bundle: {now}",
            f"its task: {task_status(db, now.task_id) if now.task_id else 'none'}",
            *map(str, backends),
            f"{worker.name}'s log:",
            worker.log_tail(),
        ]
    )


def task_status(db: psycopg.Connection, task_id: str) -> str:
    return str(
        one(db, "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", task_id)
    )


def history(db: psycopg.Connection, pk: int) -> list[str]:
    return [
        action
        for (action,) in db.execute(
            "SELECT e.action FROM audit_auditevent e"
            " JOIN django_content_type t ON t.id = e.target_type_id"
            " WHERE t.app_label = 'archive' AND t.model = 'archivebundle' AND e.target_id = %s"
            " ORDER BY e.id",
            [str(pk)],
        )
    ]


@contextlib.contextmanager
def hanging(path: Path) -> Iterator[None]:
    """Storage that stops answering for one document (as a hung network mount does): a named
    pipe in its place blocks whoever opens it. The document is put back afterwards."""
    original = path.read_bytes()
    path.unlink()
    os.mkfifo(path)
    try:
        yield
    finally:
        path.unlink()
        path.write_bytes(original)


@pytest.mark.parametrize("moment", ["copying documents", "marking it done"])
def test_a_worker_killed_mid_bundle_never_leaves_a_bad_zip_and_the_bundle_is_rebuilt(
    site: Site, processes: Processes, moment: str
) -> None:
    web = processes.app("web")
    assert web.answer()["ready"]
    db = site.cluster.connect()
    documents = documents_2024(db)
    # The demo: two decision extracts (with the amending decision), four signed agreement
    # documents (Coompanion's in two versions), three approved reports and their attachments.
    assert len(documents) == 12
    year = one(db, "SELECT id FROM funding_budgetyear WHERE year = 2024")
    requested = web.call(
        "http", method="post", path="/archive/", data={"budget_year": year}, user="sekreterare"
    )
    assert requested["ok"], requested
    assert requested["status"] == 302
    match = re.fullmatch(r"/archive/(\d+)/", requested["location"])
    assert match
    pk = int(match[1])
    queued = bundle(db, pk)
    assert queued.status == "queued"
    assert task_status(db, queued.task_id) == "READY"
    first_zip = site.media / f"archive/arkivpaket-2024-{pk}-1.zip"

    def download() -> dict[str, Any]:
        return web.call(
            "http", method="get", path=f"/archive/{pk}/download/", user="sekreterare", body=True
        )

    with contextlib.ExitStack() as stack:
        if moment == "copying documents":
            # The third document hangs: two are in the ZIP, the rest are not.
            stack.enter_context(hanging(site.media / documents[2].name))
            worker = processes.worker("worker-1")
            wait_for(
                "the build to hang on the third document",
                lambda: worker.still_running() and bundle(db, pk)[:2] == ("running", 2),
            )
            # The half-written ZIP: an unnamed temporary file of the worker's, holding the
            # first two documents.
            assert max(deleted_files_open_by(worker.pid)) >= documents[0].size + documents[1].size
        else:
            # The history lock: the build stores the whole ZIP, then waits to mark it done.
            holder = lock_history(site.cluster)
            stack.callback(holder.close)
            worker = processes.worker("worker-1")
            wait_for(
                "the build to wait to mark the bundle done",
                lambda: (
                    worker.still_running()
                    and waiting_on(db, "faults-worker-1", holder.info.backend_pid)
                ),
            )
            assert zipfile.ZipFile(first_zip).testzip() is None  # complete in storage
            assert bundle(db, pk).done == len(documents)
        assert bundle(db, pk).status == "running"
        assert download()["status"] == 404  # nothing is served while it builds

        worker.kill()
        if moment == "marking it done":
            holder.rollback()  # the dead worker's transaction gets the lock, then finds no client
            wait_for(
                "the dead worker's connection to end",
                lambda: (
                    not one(
                        db,
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                        "faults-worker-1",
                    )
                ),
            )

    # Stuck: the bundle runs for ever and django-tasks-db never hands the dead worker's task
    # to another worker. Nothing was marked done, nothing is served.
    stuck = bundle(db, pk)
    assert (stuck.status, stuck.file, stuck.sha256) == ("running", "", "")
    assert task_status(db, stuck.task_id) == "RUNNING"
    assert download()["status"] == 404
    assert "archive.built" not in history(db, pk)
    assert first_zip.exists() is (moment == "marking it done")

    # Housekeeping leaves a build alone while it may still be alive (the default: 15 minutes
    # without progress), then queues it again once it has been quiet for longer than asked.
    assert "0 stalled" in site.manage("recover_stalled_bundles", name="recover")
    wait_for("a second without progress", lambda: bundle(db, pk).quiet_for > 1)
    assert "1 stalled" in site.manage(
        "recover_stalled_bundles", "--stalled-after", "1", name="recover"
    )
    requeued = bundle(db, pk)
    assert requeued.status == "queued"
    assert requeued.task_id != stuck.task_id
    assert not first_zip.exists()  # the abandoned attempt's ZIP, if it got one, is gone

    rebuilder = processes.worker("worker-2")
    # Alone the whole test takes about 4 s; on a CI machine running the rest of the suite
    # beside it this wait once ran out at 60 s, so it is generous and says where things stood.
    # The bundle is marked done inside the task; django-tasks-db marks the task's own row
    # SUCCESSFUL only after the task returns, in a transaction of its own, so the wait covers
    # both (CI once read the row in between and found it RUNNING).
    built = wait_for(
        "a new worker to rebuild the bundle and its task to be marked successful",
        lambda: (
            rebuilder.still_running()
            and (b := bundle(db, pk)).status == "done"
            and task_status(db, b.task_id) == "SUCCESSFUL"
            and b
        ),
        timeout=180,
        explain=lambda: where_it_stands(db, pk, rebuilder),
    )
    assert built.attempt == 2
    assert history(db, pk) == ["archive.requested", "archive.requeued", "archive.built"]

    # The ZIP served is the one recorded, complete, and every document in it is byte for byte
    # the stored, sealed one the index names.
    served = download()
    assert served["status"] == 200
    assert served["sha256"] == served["x_content_sha256"] == built.sha256
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(served["body"])))
    assert archive.testzip() is None
    index = json.loads(archive.read("index.json"))["documents"]
    assert [e["sha256"] for e in index] == [d.sha256 for d in documents]
    for entry, document in zip(index, documents, strict=True):
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert content == (site.media / document.name).read_bytes()
    assert sorted(archive.namelist()) == sorted(
        [e["path"] for e in index] + ["index.csv", "index.json"]
    )

    # In storage, every ZIP is a finished bundle's, and matches its recorded hash.
    finished: dict[str, str] = dict(
        db.execute(
            "SELECT file, sha256 FROM archive_archivebundle WHERE status = 'done'"
        ).fetchall()
    )
    stored = {f"archive/{p.name}" for p in (site.media / "archive").iterdir()}
    assert stored == set(finished)
    for name, sha256 in finished.items():
        assert hashlib.sha256((site.media / name).read_bytes()).hexdigest() == sha256
    db.close()
