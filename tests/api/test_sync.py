"""What integrators need to sync (issue 15): named operations with tags, status enums,
`updated_since`, ETags with 304 Not Modified, and the sealed PDF with a token."""

import hashlib
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from agreements import services
from agreements.models import Agreement, Instalment, SignedDocument
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_operations_are_named_and_tagged(official_api: ApiClient) -> None:
    schema = official_api.get("/api/v1/openapi.json").json()
    operations = {
        (path, method): op for path, ops in schema["paths"].items() for method, op in ops.items()
    }
    ids = {op["operationId"] for op in operations.values()}
    assert {"listAgreements", "getAgreement", "getSignedAgreementPdf", "listBudgetYears"} <= ids
    assert all(op.get("tags") for op in operations.values())
    agreement = schema["components"]["schemas"]["AgreementOut"]
    assert "enum" in str(schema["components"]["schemas"]["InstalmentOut"]["properties"]["status"])
    assert "updated_at" in agreement["properties"]


def test_updated_since_returns_what_changed_including_payments(official_api: ApiClient) -> None:
    everything = official_api.get("/api/v1/agreements").json()["items"]
    assert len(everything) == 6
    mark = timezone.now()
    assert (
        official_api.get("/api/v1/agreements", updated_since=mark.isoformat()).json()["items"] == []
    )
    instalment = Instalment.objects.get(agreement__reference="GF-2024-MATGILLE", number=1)
    services.release_instalment(instalment=instalment, by=User.objects.get(username="handlaggare"))
    changed = official_api.get(
        "/api/v1/agreements", updated_since=(mark - timedelta(seconds=1)).isoformat()
    ).json()["items"]
    assert [a["reference"] for a in changed] == ["GF-2024-MATGILLE"]
    assert changed[0]["instalments"][0]["status"] == "released"
    for bad in ("yesterday", "2024-09-01T00:00:00", "0001-01-01T00:00:00+01:00"):
        assert official_api.get("/api/v1/agreements", updated_since=bad).status_code == 422
    # ISO 8601 allows offsets PostgreSQL does not (±15:59): read in UTC, not a server error.
    far = official_api.get("/api/v1/agreements", updated_since="1998-11-13T22:58:41+16:47")
    assert far.status_code == 200


def test_an_unchanged_answer_is_304_not_modified(official_api: ApiClient) -> None:
    first = official_api.get("/api/v1/agreements/GF-2024-COOMPANION")
    etag = first["ETag"]
    assert etag
    assert "no-cache" in first["Cache-Control"]
    again = official_api.client.get(
        "/api/v1/agreements/GF-2024-COOMPANION",
        headers={"Authorization": f"Bearer {official_api.token}", "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""
    Agreement.objects.filter(reference="GF-2024-COOMPANION").update(version=F("version"))  # same
    services.release_instalment(
        instalment=Instalment.objects.get(agreement__reference="GF-2024-MATGILLE", number=1),
        by=User.objects.get(username="handlaggare"),
    )
    # Another agreement changed, this one did not: still 304. The list changed: 200.
    assert (
        official_api.client.get(
            "/api/v1/agreements/GF-2024-COOMPANION",
            headers={"Authorization": f"Bearer {official_api.token}", "If-None-Match": etag},
        ).status_code
        == 304
    )


def test_the_signed_pdf_with_a_token(coompanion_api: ApiClient, matgille_api: ApiClient) -> None:
    document = SignedDocument.objects.get(
        agreement__reference="GF-2024-COOMPANION", agreement_version=2
    )
    response = coompanion_api.get("/api/v1/agreements/GF-2024-COOMPANION/signed-pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == document.sha256 == response["X-Content-SHA256"]
    other = matgille_api.get("/api/v1/agreements/GF-2024-COOMPANION/signed-pdf")
    assert other.status_code == 404
    assert other["Content-Type"] == "application/problem+json"
    unsigned = matgille_api.get("/api/v1/agreements/GF-2024-MATGILLE/signed-pdf")
    assert unsigned.status_code == 200  # Matgille's is signed too
    assert coompanion_api.get("/api/v1/agreements/GF-2024-HIGHFIVE/signed-pdf").status_code == 404
    assert (
        ApiClient(None).get("/api/v1/agreements/GF-2024-COOMPANION/signed-pdf").status_code == 401
    )
