"""Archive bundles: the documents as stored, an index that matches them, progress (issue 5)."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from accounts.models import User
from agreements.models import Report, ReportAttachment, ReportStatus, SignedDocument
from archive.models import ArchiveBundle, BundleStatus
from archive.services import build_bundle
from funding.models import BudgetYear, DecisionDocument
from tests.helpers import NBSP, login, text  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def _request(client: Client, capture: object) -> ArchiveBundle:
    with capture(execute=True):  # type: ignore[operator]
        response = client.post("/archive/", {"budget_year": BudgetYear.objects.get(year=2024).pk})
    assert response.status_code == 302
    return ArchiveBundle.objects.get()


def test_bundle_contains_every_document_byte_for_byte_with_matching_index(
    client: Client, django_capture_on_commit_callbacks: object
) -> None:
    login(client, "sekreterare")
    bundle = _request(client, django_capture_on_commit_callbacks)
    assert bundle.status == BundleStatus.DONE
    assert bundle.task_id
    page = client.get(f"/archive/{bundle.pk}/").content.decode()
    assert "12 av 12 dokument" in page
    assert f'href="/archive/{bundle.pk}/download/"' in page

    response = client.get(f"/archive/{bundle.pk}/download/")
    # django-stubs types a test client's response as never streaming.
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(data).hexdigest() == bundle.sha256 == response["X-Content-SHA256"]
    archive = zipfile.ZipFile(io.BytesIO(data))
    index = json.loads(archive.read("index.json"))
    stored = (
        {d.sha256 for d in SignedDocument.objects.all()}
        | {d.sha256 for d in DecisionDocument.objects.all()}
        | {r.document_sha256 for r in Report.objects.filter(status=ReportStatus.APPROVED)}
        | {a.sha256 for a in ReportAttachment.objects.filter(report__status=ReportStatus.APPROVED)}
    )
    # Two decision extracts (the decision and its amending decision), three signed agreements
    # (Coompanion's in both versions: issue 17), three approved reports (issue 15) and their
    # three attachments.
    assert len(index["documents"]) == 12
    paths = {e["path"] for e in index["documents"]}
    assert {
        "overenskommelser/GF-2024-COOMPANION-v1.pdf",
        "overenskommelser/GF-2024-COOMPANION-v2.pdf",
    } <= paths
    kinds = [e["kind"] for e in index["documents"]]
    assert (kinds.count("aterrapport"), kinds.count("bilaga")) == (3, 3)
    for entry in index["documents"]:
        content = archive.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert entry["sha256"] in stored
        assert content.startswith(b"PK" if entry["path"].endswith(".xlsx") else b"%PDF-")
    references = {e["reference"] for e in index["documents"]}
    assert {"GF-2024-COOMPANION", "GF-2024-MATGILLE", "GF-2024-TEK-KOMPETENS"} <= references
    assert "RS230001 § 101" in references

    raw_csv = archive.read("index.csv")
    assert raw_csv.startswith("\ufeff".encode())  # Excel opens UTF-8 with a BOM correctly
    rows = list(csv.reader(io.StringIO(raw_csv.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["dokument", "typ", "sha256"]
    assert {r[2] for r in rows[1:]} == {e["sha256"] for e in index["documents"]}


def test_progress_is_reported_after_each_document() -> None:
    year = BudgetYear.objects.get(year=2024)
    bundle = ArchiveBundle.objects.create(
        budget_year=year, requested_by=User.objects.get(username="sekreterare")
    )
    seen: list[tuple[int, int, int]] = []

    def record(done: int, total: int) -> None:
        stored = ArchiveBundle.objects.get(pk=bundle.pk)
        seen.append((done, total, stored.done))

    build_bundle(bundle.pk, on_progress=record)
    assert seen == [(n, 12, n) for n in range(1, 13)]


def test_progress_fragment_for_htmx(client: Client) -> None:
    bundle = ArchiveBundle.objects.create(
        budget_year=BudgetYear.objects.get(year=2024),
        requested_by=User.objects.get(username="sekreterare"),
        status=BundleStatus.RUNNING,
        total=4,
        done=2,
    )
    login(client, "sekreterare")
    response = client.get(f"/archive/{bundle.pk}/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="bundle-progress"')
    assert "2 av 4 dokument" in body
    assert 'value="50"' in body
    assert 'hx-trigger="every 1s"' in body


def test_a_changed_stored_document_fails_the_bundle(client: Client) -> None:
    document = SignedDocument.objects.get(agreement__reference="GF-2024-MATGILLE")
    assert document.file.name is not None
    with default_storage.open(document.file.name, "rb") as f:
        original = f.read()
    with open(default_storage.path(document.file.name), "wb") as f:
        f.write(original.replace(b"%%EOF", b"%%EOX", 1))
    bundle = ArchiveBundle.objects.create(
        budget_year=BudgetYear.objects.get(year=2024),
        requested_by=User.objects.get(username="sekreterare"),
    )
    try:
        with pytest.raises(Exception, match="kontrollsumma"):
            build_bundle(bundle.pk)
        bundle.refresh_from_db()
        assert bundle.status == BundleStatus.FAILED
        assert "kontrollsumma" in bundle.error
    finally:
        with open(default_storage.path(document.file.name), "wb") as f:
            f.write(original)


@pytest.mark.parametrize("username", ["handlaggare", "matgille"])
def test_only_secretaries(client: Client, username: str) -> None:
    login(client, username)
    assert client.get("/archive/").status_code == 404
    assert client.post("/archive/", {"budget_year": 1}).status_code == 404
    assert not ArchiveBundle.objects.exists()
