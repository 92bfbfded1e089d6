"""API lists run a fixed number of queries, however many rows they return (no N+1)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding.models import BudgetYear, FundingSource
from tests.api.conftest import ApiClient
from tests.helpers import add_partners_with_decided_2024, add_signed_agreements

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/budget-years",
    "/api/v1/programmes",
    "/api/v1/allocations",
    "/api/v1/agreements",
]


def grow(extra: int) -> None:
    """`extra` partners, each with a decided 2024 allocation and a signed agreement with its
    plan and report; and one more funding source."""
    add_signed_agreements(add_partners_with_decided_2024(extra))
    FundingSource.objects.create(
        budget_year=BudgetYear.objects.get(year=2024),
        kind="other",
        name="Övrigt",
        amount=Decimal(1),
        allows_operating_support=False,
    )


def count(client: ApiClient, path: str) -> tuple[int, int]:
    """(queries, rows) for one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, limit=500)
    assert response.status_code == 200
    return len(queries), len(response.json()["items"])


@pytest.mark.parametrize("who", ["official_api", "coompanion_api"])
def test_lists_do_not_grow_with_rows(who: str, request: pytest.FixtureRequest) -> None:
    client: ApiClient = request.getfixturevalue(who)
    client.get("/api/v1/")  # the first request writes last_used_at; later ones do not
    before = {path: count(client, path) for path in LISTS}
    grow(40)
    after = {path: count(client, path) for path in LISTS}
    assert {p: q for p, (q, _rows) in after.items()} == {p: q for p, (q, _rows) in before.items()}
    if who == "official_api":  # the rows did grow, so the equal counts mean something
        assert after["/api/v1/allocations"][1] == before["/api/v1/allocations"][1] + 40
        assert after["/api/v1/agreements"][1] == before["/api/v1/agreements"][1] + 40


def test_agreement_list_query_budget(official_api: ApiClient) -> None:
    """token + count + rows + instalments + requirements (with their reports) + the reports'
    values + key figures + signed documents."""
    official_api.get("/api/v1/")
    queries, rows = count(official_api, "/api/v1/agreements")
    assert rows > 1
    assert queries == 8
