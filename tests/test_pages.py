import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: object) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]
    call_command("load_demo", verbosity=0)


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
    home = client.get("/")
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
    client.force_login(User.objects.get(username="matgille"))
    body = client.get("/").content.decode()
    assert "GF-2024-MATGILLE" in body
    assert "GF-2024-COOMPANION" not in body
    assert "3\u00a0000\u00a0000\u00a0kr" in body


def test_official_start_page_lists_all_agreements(demo: None, client: Client) -> None:
    client.force_login(User.objects.get(username="handlaggare"))
    body = client.get("/").content.decode()
    assert body.count("GF-2024-") == 6


def _more_agreements(count: int) -> None:
    """`count` more partners with decided allocations and draft agreements in 2025."""
    from datetime import date
    from decimal import Decimal

    from agreements import services as agreements
    from funding import services as funding
    from funding.models import Programme
    from partners import services as partners

    official = User.objects.get(username="handlaggare")
    programme = Programme.objects.get(budget_year__year=2025)
    new = [
        partners.create_partner(
            by=None, display_name=f"Extra {i}", legal_name=f"Extra {i}", slug=f"extra-{i}"
        )
        for i in range(count)
    ]
    funding.set_allocations(
        programme=programme, amounts={p.pk: Decimal(1000) for p in new}, by=official
    )
    decision = funding.create_decision(
        meeting_date=date(2024, 10, 22),
        paragraph=9,
        registration_number="RS240009",
        title="T",
        text="T",
        by=official,
    )
    for allocation in programme.allocations.filter(partner__in=new):
        funding.add_to_decision(decision=decision, allocation=allocation, by=official)
    funding.decide(decision=decision, by=official)
    for allocation in programme.allocations.filter(partner__in=new):
        agreements.create_agreement(
            allocation=allocation,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            purpose="x",
            by=official,
        )


def test_start_page_query_count_does_not_grow(demo: None, client: Client) -> None:
    client.force_login(User.objects.get(username="handlaggare"))
    with CaptureQueriesContext(connection) as six:
        assert client.get("/").status_code == 200
    _more_agreements(25)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/").content.decode()
    assert body.count("GF-2025-EXTRA") == 25
    assert len(many) == len(six)


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_dead_database(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_accessibility_statement_is_public(client: Client) -> None:
    response = client.get("/accessibility/")
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse" in response.content.decode()
