"""Small helpers shared by the tests."""

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connections
from django.test import Client

from accounts.models import User
from agreements.models import Agreement, AgreementStatus, Instalment, ReportingRequirement
from funding import services
from funding.models import Allocation, AllocationStatus, Decision, Programme
from partners.models import Partner

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

NBSP = "\u00a0"


def login(client: Client, username: str) -> Client:
    """Log in as `username`, past the second step too for staff (as if they typed the code)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import needs_two_factor

    user = User.objects.get(username=username)
    client.force_login(user)
    if needs_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def text(response: "_MonkeyPatchedWSGIResponse") -> str:
    """The response body with no-break spaces as plain spaces, for readable assertions."""
    body = response.content.decode()
    return body.replace(NBSP, " ").replace("&nbsp;", " ")


# --------------------------------------------------------------------------- bulk fixture data
# Not code paths under test: rows in bulk on top of the demo data, so query-count tests can
# compare a page with few rows and with many.


def add_partners_with_decided_2024(count: int) -> list[Allocation]:
    """`count` new partners ("Partner 006", ...), each with a decided 1 000 kr allocation in
    the demo's 2024 basic funding, whose source and ceiling are raised (through the services)
    to fit."""
    have = Partner.objects.count()
    partners = Partner.objects.bulk_create(
        Partner(display_name=f"Partner {i:03}", legal_name=f"Partner {i:03} AB", slug=f"p-{i:03}")
        for i in range(have, have + count)
    )
    programme = Programme.objects.get(budget_year__year=2024)
    services.update_funding_source(source=programme.source, amount=Decimal(900_000_000), by=None)
    services.update_programme(programme=programme, ceiling=Decimal(800_000_000), by=None)
    decision = Decision.objects.get(paragraph=101)
    return Allocation.objects.bulk_create(
        Allocation(
            programme=programme,
            partner=p,
            amount=Decimal(1000),
            status=AllocationStatus.DECIDED,
            decision=decision,
        )
        for p in partners
    )


def add_signed_agreements(allocations: list[Allocation]) -> list[Agreement]:
    """A signed agreement for each allocation, with two instalments and one report."""
    agreements = Agreement.objects.bulk_create(
        Agreement(
            reference=f"GF-2024-{a.partner.slug.upper()}",
            allocation=a,
            partner=a.partner,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 12, 31),
            amount=a.amount,
            purpose="Grundfinansiering",
            status=AgreementStatus.SIGNED,
        )
        for a in allocations
    )
    Instalment.objects.bulk_create(
        Instalment(agreement=g, number=n, due_date=date(2024, n * 3, 1), amount=g.amount / 2)
        for g in agreements
        for n in (1, 2)
    )
    ReportingRequirement.objects.bulk_create(
        ReportingRequirement(agreement=g, description="Slutrapport", due_date=date(2025, 3, 31))
        for g in agreements
    )
    return agreements


def waiting_on_a_lock() -> bool:
    """Whether any session of the test database waits for a lock (PostgreSQL)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


def at_once[T](count: int, work: Callable[[], T]) -> list[T]:
    """Run `work` in `count` threads released together, each on its own database connection
    (closed afterwards); their results, in the order they finished."""
    start = threading.Barrier(count)
    results: list[T] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            results.append(work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
