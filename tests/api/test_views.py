"""The API's answers: authentication, scoping to the token's user, exact money, paging."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement
from api import services
from api.models import ApiToken
from api.services import token_digest
from api.views import api
from funding.models import Allocation
from tests.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/budget-years", "/api/v1/programmes", "/api/v1/allocations", "/api/v1/agreements"]


# --------------------------------------------------------------------------- authentication


@pytest.mark.parametrize("path", ["/api/v1/", *LISTS, "/api/v1/agreements/GF-2024-COOMPANION"])
def test_no_token_is_401_with_a_json_reason(demo: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"  # RFC 9457
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Authentication required: send a bearer token.",
    }


def test_a_logged_in_session_is_not_enough(demo: None) -> None:
    """The API ignores session cookies: a browser logged in to the site gets 401, not data (and
    not the two-factor step either)."""
    from tests.helpers import login

    client = login(Client(), "handlaggare")
    assert client.get("/agreements/").status_code == 200
    response = client.get("/api/v1/agreements")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer gf_not-a-real-token", "Unknown token."),
        ("Bearer ", "Use the header 'Authorization: Bearer <token>'."),
        ("Token gf_x", "Use the header 'Authorization: Bearer <token>'."),
    ],
)
def test_bad_tokens_are_401(demo: None, header: str, detail: str) -> None:
    response = Client().get("/api/v1/agreements", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == detail


def test_revoked_token_is_401(demo: None) -> None:
    user = User.objects.get(username="coompanion")
    token, plaintext = services.create_token(user=user, name="x", by=None)
    assert ApiClient(plaintext).get("/api/v1/agreements").status_code == 200
    services.revoke_token(token=token, by=None)
    response = ApiClient(plaintext).get("/api/v1/agreements")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has been revoked."


def test_expired_token_is_401(demo: None) -> None:
    user = User.objects.get(username="coompanion")
    token, plaintext = services.create_token(
        user=user, name="x", expires_at=timezone.now() + timedelta(days=1), by=None
    )
    assert ApiClient(plaintext).get("/api/v1/agreements").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = ApiClient(plaintext).get("/api/v1/agreements")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired."


@pytest.mark.parametrize("change", [{"is_active": False}, {"role": ""}])
def test_token_of_a_deactivated_or_demoted_user_is_401(demo: None, change: dict) -> None:
    plaintext = token_for("handlaggare")
    assert ApiClient(plaintext).get("/api/v1/budget-years").status_code == 200
    User.objects.filter(username="handlaggare").update(**change)
    response = ApiClient(plaintext).get("/api/v1/budget-years")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token's user may no longer use the API."


def test_last_used_is_written_at_most_every_few_minutes(demo: None) -> None:
    user = User.objects.get(username="coompanion")
    token, plaintext = services.create_token(user=user, name="x", by=None)
    client = ApiClient(plaintext)
    assert token.last_used_at is None
    client.get("/api/v1/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get("/api/v1/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # not a write per request
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=6))
    client.get("/api/v1/")
    last_used = ApiToken.objects.get(pk=token.pk).last_used_at
    assert last_used is not None
    assert last_used > first - timedelta(minutes=1)


def test_index_says_whose_token_it_is(coompanion_api: ApiClient) -> None:
    assert coompanion_api.get("/api/v1/").json() == {
        "api_version": "1",
        "openapi": "/api/v1/openapi.json",
        "username": "coompanion",
        "role": "partner",
        "partner": "coompanion",
    }


# --------------------------------------------------------------------------- scoping


def test_partner_sees_only_own_agreements(coompanion_api: ApiClient) -> None:
    body = coompanion_api.get("/api/v1/agreements").json()
    assert body["count"] == Agreement.objects.filter(partner__slug="coompanion").count() >= 1
    assert {a["partner"]["slug"] for a in body["items"]} == {"coompanion"}


def test_other_partners_agreement_is_the_same_404_as_a_missing_one(
    coompanion_api: ApiClient,
) -> None:
    assert Agreement.objects.filter(reference="GF-2024-MATGILLE").exists()
    other = coompanion_api.get("/api/v1/agreements/GF-2024-MATGILLE")
    missing = coompanion_api.get("/api/v1/agreements/GF-2024-NOBODY")
    malformed = coompanion_api.get("/api/v1/agreements/not a reference")
    assert other.status_code == missing.status_code == malformed.status_code == 404
    assert other.content == missing.content == malformed.content
    assert other.json()["detail"] == "No such agreement."


@pytest.mark.parametrize(
    "path", ["/api/v1/budget-years", "/api/v1/programmes", "/api/v1/allocations"]
)
def test_partner_gets_no_budget_data(coompanion_api: ApiClient, path: str) -> None:
    assert coompanion_api.get(path).json() == {"items": [], "count": 0}


def test_partner_gets_404_for_a_budget_year(coompanion_api: ApiClient) -> None:
    response = coompanion_api.get("/api/v1/budget-years/2024")
    assert response.status_code == 404
    assert response.json()["detail"] == "No such budget year."


@pytest.mark.parametrize("who", ["official_api", "secretary_api"])
def test_region_staff_see_everything(who: str, request: pytest.FixtureRequest) -> None:
    client: ApiClient = request.getfixturevalue(who)
    assert client.get("/api/v1/agreements").json()["count"] == Agreement.objects.count() > 1
    assert client.get("/api/v1/allocations").json()["count"] == Allocation.objects.count() > 1
    assert client.get("/api/v1/budget-years").json()["count"] == 2
    assert client.get("/api/v1/budget-years/2024").status_code == 200


# --------------------------------------------------------------------------- content


def test_money_is_an_exact_decimal_string(official_api: ApiClient) -> None:
    matgille = Allocation.objects.get(programme__budget_year__year=2024, partner__slug="matgille")
    body = official_api.get("/api/v1/allocations", year=2024, programme="grundfinansiering").json()
    row = next(a for a in body["items"] if a["partner"]["slug"] == "matgille")
    assert row["amount"] == f"{matgille.amount}.00"
    assert Decimal(row["amount"]) == matgille.amount
    assert row["status"] == "decided"
    assert matgille.decision is not None
    assert row["decision"]["registration_number"] == matgille.decision.registration_number
    assert row["decision"]["meeting_date"] == matgille.decision.meeting_date.isoformat()


def test_budget_year_totals(official_api: ApiClient) -> None:
    body = official_api.get("/api/v1/budget-years/2024").json()
    decided = sum(
        a.amount for a in Allocation.objects.filter(programme__budget_year__year=2024).decided()
    )
    assert body["decided_total"] == f"{decided}.00" == "11900000.00"
    assert body["draft_total"] == "0.00"
    assert {s["kind"] for s in body["sources"]} == {"regional_development", "state_growth"}
    assert all(isinstance(s["amount"], str) for s in body["sources"])


def test_programmes_by_year(official_api: ApiClient) -> None:
    body = official_api.get("/api/v1/programmes", year=2025).json()
    assert [(p["year"], p["slug"]) for p in body["items"]] == [(2025, "grundfinansiering")]
    assert body["items"][0]["ceiling"] == "11900000.00"
    assert body["items"][0]["draft_total"] == "11900000.00"


def test_agreement_detail(coompanion_api: ApiClient) -> None:
    agreement = Agreement.objects.get(reference="GF-2024-COOMPANION")
    body = coompanion_api.get("/api/v1/agreements/GF-2024-COOMPANION").json()
    assert body["reference"] == "GF-2024-COOMPANION"
    assert body["year"] == 2024
    assert body["amount"] == f"{agreement.amount}.00"
    assert body["status"] == "signed"
    assert body["status_label"] == "Underskriven"
    assert [i["number"] for i in body["instalments"]] == [1, 2, 3]  # 3: version 2's addition
    assert sum(Decimal(i["amount"]) for i in body["instalments"]) == agreement.amount
    assert len(body["reporting_requirements"]) == agreement.reporting_requirements.count()
    assert body["has_signed_pdf"] is True
    assert body["signed_pdf_url"] == "/agreements/GF-2024-COOMPANION/pdf/"


def test_status_label_is_swedish_even_when_english_is_asked_for(official_api: ApiClient) -> None:
    official_api.client.cookies["django_language"] = "en"
    body = official_api.get("/api/v1/agreements/GF-2024-COOMPANION").json()
    assert body["status_label"] == "Underskriven"
    years = official_api.get("/api/v1/budget-years").json()["items"]
    assert {y["status_label"] for y in years} == {"Pågående", "Under beredning"}
    assert "Utvecklingsmedel för regional utveckling" in {
        s["kind_label"] for s in years[0]["sources"]
    }


def test_agreement_without_signed_pdf(official_api: ApiClient) -> None:
    body = official_api.get("/api/v1/agreements", status="partner_signed").json()
    assert body["count"] >= 1
    assert all(a["status"] == "partner_signed" for a in body["items"])
    assert all(a["has_signed_pdf"] is False and a["signed_pdf_url"] is None for a in body["items"])


# --------------------------------------------------------------------------- paging, parameters


def test_pagination_is_stable_and_complete(official_api: ApiClient) -> None:
    everything = official_api.get("/api/v1/allocations", limit=500).json()
    assert everything["count"] == len(everything["items"]) > 3
    pages = [
        official_api.get("/api/v1/allocations", limit=2, offset=offset).json()
        for offset in range(0, everything["count"], 2)
    ]
    assert all(p["count"] == everything["count"] for p in pages)
    assert [a for p in pages for a in p["items"]] == everything["items"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"year": 1999}, {"year": "x"}],
)
def test_bad_parameters_are_422(official_api: ApiClient, params: dict) -> None:
    response = official_api.get("/api/v1/allocations", **params)
    assert response.status_code == 422
    assert isinstance(response.json()["errors"], list)


def test_bad_status_filter_is_422(official_api: ApiClient) -> None:
    assert official_api.get("/api/v1/agreements", status="lost").status_code == 422


# --------------------------------------------------------------------------- the document


def test_openapi_document_is_served_and_declares_bearer_auth(demo: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    # The same document test_schemathesis fuzzes.
    assert document == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    assert document["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    for path, operations in document["paths"].items():
        assert set(operations) == {"get"}, path  # read-only
        assert "401" in operations["get"]["responses"], path
    amount = document["components"]["schemas"]["InstalmentOut"]["properties"]["amount"]
    assert amount["type"] == "string"
    assert "never a json number" in amount["description"].lower()


def test_no_swagger_ui(demo: None) -> None:
    assert Client().get("/api/v1/docs").status_code == 404


def test_admin_token_made_behind_the_services_back_is_refused(demo: None) -> None:
    plaintext = "gf_" + "b" * 43
    ApiToken.objects.create(
        user=User.objects.get(username="admin"),
        name="x",
        prefix=plaintext[:8],
        digest=token_digest(plaintext),
    )
    assert ApiClient(plaintext).get("/api/v1/").status_code == 401
