"""API lists run a fixed number of queries, however many rows they return (no N+1)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, Instalment, ReportingRequirement
from funding import services
from funding.models import Allocation, AllocationStatus, Decision, FundingSource, Programme
from partners.models import Partner
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/budget-years",
    "/api/v1/programmes",
    "/api/v1/allocations",
    "/api/v1/agreements",
]


def grow(extra: int) -> None:
    """Fixture data in bulk (not a code path under test): `extra` partners, each with a decided
    2024 allocation and an agreement with two instalments and a report; one more programme and
    source."""
    p2024 = Programme.objects.get(budget_year__year=2024)
    services.update_funding_source(source=p2024.source, amount=Decimal("900000000"), by=None)
    services.update_programme(programme=p2024, ceiling=Decimal("800000000"), by=None)
    FundingSource.objects.create(
        budget_year=p2024.budget_year,
        kind="other",
        name="Övrigt",
        amount=Decimal(1),
        allows_operating_support=False,
    )
    partners = Partner.objects.bulk_create(
        Partner(display_name=f"Partner {i:03}", legal_name=f"P{i:03} AB", slug=f"p-{i:03}")
        for i in range(extra)
    )
    decision = Decision.objects.get()
    allocations = Allocation.objects.bulk_create(
        Allocation(
            programme=p2024,
            partner=p,
            amount=Decimal(1000),
            status=AllocationStatus.DECIDED,
            decision=decision,
        )
        for p in partners
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(
            reference=f"GF-2024-P{i:03}",
            allocation=a,
            partner=a.partner,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            amount=Decimal(1000),
            purpose="Verksamhet",
        )
        for i, a in enumerate(allocations)
    )
    Instalment.objects.bulk_create(
        Instalment(agreement=a, number=n, due_date=date(2024, n, 1), amount=Decimal(500))
        for a in agreements
        for n in (1, 2)
    )
    ReportingRequirement.objects.bulk_create(
        ReportingRequirement(agreement=a, description="Slutrapport", due_date=date(2025, 3, 31))
        for a in agreements
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
    """token + count + rows + instalments + reports + signed documents."""
    official_api.get("/api/v1/")
    queries, rows = count(official_api, "/api/v1/agreements")
    assert rows > 1
    assert queries == 6
