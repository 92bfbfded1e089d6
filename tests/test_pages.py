import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_login_with_demo_password_and_logout(demo: None, client: Client) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    assert 'href="/accessibility/"' in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "handlaggare", "password": "halland-demo"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/", follow=True)
    assert "Demo Handläggare" in home.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302  # back to login


def test_wrong_password_gets_a_message(demo: None, client: Client) -> None:
    response = client.post("/accounts/login/", {"username": "handlaggare", "password": "fel"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_anonymous_start_page_goes_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_partner_start_page_shows_only_own_agreement(demo: None, client: Client) -> None:
    login(client, "matgille")
    body = client.get("/").content.decode()
    assert "GF-2024-MATGILLE" in body
    assert "GF-2024-COOMPANION" not in body
    assert "3\u00a0000\u00a0000\u00a0kr" in body


def test_an_administrator_starts_on_the_current_budget_year(demo: None, client: Client) -> None:
    login(client, "admin")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/budget/2024/"


def _more_agreements_for(slug: str, count: int) -> None:
    """`count` more decided project allocations for one partner, each with its agreement."""
    from datetime import date
    from decimal import Decimal

    from agreements import services as agreements
    from funding import services as funding
    from funding.models import BudgetYear, ProgrammeKind
    from partners.models import Partner

    official = User.objects.get(username="handlaggare")
    partner = Partner.objects.get(slug=slug)
    year = BudgetYear.objects.get(year=2025)
    source = year.sources.get(kind="regional_development")
    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=9,
        registration_number="RS240009",
        title="Projekt",
        text="Projekt",
        by=official,
    )
    for i in range(count):
        programme = funding.create_programme(
            budget_year=year,
            source=source,
            kind=ProgrammeKind.PROJECTS,
            name=f"Projekt {i}",
            slug=f"projekt-{i}",
            ceiling=Decimal(10000),
            by=official,
        )
        funding.set_allocations(
            programme=programme, amounts={partner.pk: Decimal(1000)}, by=official
        )
        funding.add_to_decision(
            decision=decision, allocation=programme.allocations.get(), by=official
        )
    funding.decide(decision=decision, by=official)
    for allocation in decision.allocations.all():
        agreements.create_agreement(
            allocation=allocation,
            reference=f"PR-2025-{allocation.programme.slug.upper()}",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            purpose="x",
            by=official,
        )


def test_partner_start_page_query_count_does_not_grow(demo: None, client: Client) -> None:
    login(client, "matgille")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/").status_code == 200
    with_one = len(one)  # now: the query log is a bounded deque
    _more_agreements_for("matgille", 25)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/").content.decode()
    assert body.count("Överenskommelse PR-2025-PROJEKT-") == 25  # one card each
    assert len(many) == with_one


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # liveness; /readyz: tests/core/test_readiness.py


def test_accessibility_statement_is_public(client: Client) -> None:
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse" in response.content.decode()
