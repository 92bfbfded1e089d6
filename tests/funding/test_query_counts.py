"""Pages keep a constant number of SQL queries as partners grow (design §9): 6 and 300."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from funding import services
from funding.models import Allocation, AllocationStatus, Decision, Programme
from partners.models import Partner
from tests.helpers import login

pytestmark = pytest.mark.django_db

PAGES = [
    "/budget/2024/",
    "/budget/2025/",
    "/budget/2024/grundfinansiering/allocations/",
    "/budget/2025/grundfinansiering/allocations/",
    "/budget/2025/grundfinansiering/history/",
]


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def grow_to(total_partners: int) -> None:
    """Fixture data in bulk (not a code path under test): partners with 2024 decided and 2025
    draft allocations, and history rows for the 2025 ones."""
    have = Partner.objects.count()
    new = Partner.objects.bulk_create(
        Partner(display_name=f"Partner {i:03}", legal_name=f"Partner {i:03} AB", slug=f"p-{i:03}")
        for i in range(have, total_partners)
    )
    p2024 = Programme.objects.get(budget_year__year=2024)
    p2025 = Programme.objects.get(budget_year__year=2025)
    services.update_funding_source(source=p2024.source, amount=Decimal("900000000"), by=None)
    services.update_programme(programme=p2024, ceiling=Decimal("800000000"), by=None)
    decision = Decision.objects.get()
    Allocation.objects.bulk_create(
        Allocation(
            programme=p2024,
            partner=p,
            amount=Decimal(1000),
            status=AllocationStatus.DECIDED,
            decision=decision,
        )
        for p in new
    )
    services.set_allocations(
        programme=p2025, amounts={p.pk: Decimal(500) for p in new}, by=None, reason="Fler"
    )


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("username", ["handlaggare", "sekreterare"])
def test_budget_pages_query_count_is_the_same_for_6_and_300_partners(
    client: Client, username: str
) -> None:
    login(client, username)
    with_six = {url: count_queries(client, url) for url in PAGES}
    grow_to(300)
    assert Partner.objects.count() == 300
    with_300 = {url: count_queries(client, url) for url in PAGES}
    assert with_300 == with_six, (with_six, with_300)
    # Exact figures, so a regression shows even when it is constant.
    # Session, user and the user's second-factor device, then the page's own queries.
    overview = 8 if username == "handlaggare" else 7  # + "does next year exist?"
    assert with_six == {
        "/budget/2024/": overview,
        "/budget/2025/": overview,
        "/budget/2024/grundfinansiering/allocations/": 6,
        "/budget/2025/grundfinansiering/allocations/": 6,
        "/budget/2025/grundfinansiering/history/": 7,
    }
    body = client.get("/budget/2025/grundfinansiering/allocations/").content.decode()
    assert "Partner 299" in body
