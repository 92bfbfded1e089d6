"""Every error under /api/ is an RFC 9457 problem (application/problem+json), whichever layer
answered it: the API's own 401, 404 and 422, an unknown path, a method an operation does not
take, a body too large, a NUL in the query. Never an HTML page (issue 15)."""

import pytest
from django.test import Client

from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def is_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    assert b"<html" not in response.content.lower()  # type: ignore[attr-defined]
    return body


def test_the_apis_own_errors(official_api: ApiClient) -> None:
    is_problem(official_api.get("/api/v1/agreements/GF-2024-NOSUCH"), 404)
    is_problem(official_api.get("/api/v1/budget-years/1999"), 422)
    body = is_problem(official_api.get("/api/v1/agreements", limit=0), 422)
    assert body["errors"]
    is_problem(ApiClient(None).get("/api/v1/agreements"), 401)


def test_unknown_paths_and_methods(official_api: ApiClient) -> None:
    body = is_problem(official_api.get("/api/v1/no-such-thing"), 404)
    assert body["title"] == "Not Found"
    is_problem(official_api.get("/api/v2/"), 404)
    response = official_api.client.post(
        "/api/v1/agreements", headers={"Authorization": f"Bearer {official_api.token}"}
    )
    is_problem(response, 405)
    assert "GET" in response["Allow"]


def test_refusals_before_the_api(demo: None) -> None:
    too_large = Client().generic(
        "POST", "/api/v1/agreements", b"", CONTENT_LENGTH=str(10 * 1024 * 1024)
    )
    is_problem(too_large, 413)


def test_the_document_declares_problems() -> None:
    from api.views import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    responses = schema["paths"]["/api/v1/agreements/{reference}"]["get"]["responses"]
    assert list(responses[404]["content"]) == ["application/problem+json"]
    assert list(responses[200]["content"]) == ["application/json"]
