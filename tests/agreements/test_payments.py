"""Paying instalments: planned → released (attested) → paid (issue 15; design §3, workflow 8)."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from agreements import services
from agreements.models import Instalment, InstalmentStatus
from audit.actions import AuditAction
from audit.models import AuditEvent
from partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(demo: None) -> None:
    """Every test here runs on the demo data."""


def official() -> User:
    return User.objects.get(username="handlaggare")


def first_instalment(reference: str) -> Instalment:
    return Instalment.objects.filter(agreement__reference=reference).order_by("number")[0]


SIGNED = "GF-2024-MATGILLE"  # signed by both parties; its first instalment is due, planned


def test_an_official_releases_a_due_instalment_and_books_it_paid() -> None:
    instalment = first_instalment(SIGNED)
    released = services.release_instalment(instalment=instalment, by=official())
    assert released.status == InstalmentStatus.RELEASED
    assert released.released_on == timezone.localdate()
    assert released.released_by == official()
    paid = services.book_instalment_paid(
        instalment=instalment,
        paid_on=timezone.localdate(),
        finance_reference="V-2024-117",
        by=official(),
    )
    paid.refresh_from_db()
    assert (paid.status, paid.finance_reference) == (InstalmentStatus.PAID, "V-2024-117")
    events = list(
        AuditEvent.objects.for_object(instalment).order_by("id").values_list("action", flat=True)
    )
    assert events == [AuditAction.INSTALMENT_RELEASED, AuditAction.INSTALMENT_PAID]


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("GF-2024-HIGHFIVE", "Bara en underskriven"),  # sent, not signed
        ("GF-2024-CONNECT-VAST", "Bara en underskriven"),  # signed by the partner only
        ("GF-2024-LEAP-FOR-LIFE", "Bara en underskriven"),  # draft
    ],
)
def test_only_a_signed_agreement_is_paid(reference: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.release_instalment(instalment=first_instalment(reference), by=official())
    assert first_instalment(reference).status == InstalmentStatus.PLANNED


def test_not_twice_and_not_back() -> None:
    instalment = first_instalment(SIGNED)
    services.release_instalment(instalment=instalment, by=official())
    with pytest.raises(ValidationError, match="redan attesterad"):
        services.release_instalment(instalment=instalment, by=official())


def test_not_without_valid_payment_details() -> None:
    Partner.objects.filter(slug="matgille").update(payment_method="", payment_account="")
    with pytest.raises(ValidationError, match="saknar giltigt bankgiro"):
        services.release_instalment(instalment=first_instalment(SIGNED), by=official())


def test_not_before_the_release_window(settings: object) -> None:
    instalment = first_instalment(SIGNED)
    too_early = instalment.due_date - timedelta(days=31)
    with pytest.raises(ValidationError, match="tidigast"):
        services.release_instalment(instalment=instalment, by=official(), on=too_early)
    released = services.release_instalment(
        instalment=instalment, by=official(), on=instalment.due_date - timedelta(days=30)
    )
    assert released.status == InstalmentStatus.RELEASED


def test_only_officials_handle_payments() -> None:
    for username in ("coompanion", "sekreterare"):
        with pytest.raises(ValidationError, match="handläggare"):
            services.release_instalment(
                instalment=first_instalment(SIGNED), by=User.objects.get(username=username)
            )


def test_booking_paid_needs_a_release_and_a_sensible_date() -> None:
    instalment = first_instalment(SIGNED)
    with pytest.raises(ValidationError, match="Bara en attesterad"):
        services.book_instalment_paid(
            instalment=instalment, paid_on=timezone.localdate(), by=official()
        )
    services.release_instalment(instalment=instalment, by=official())
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="framtiden"):
        services.book_instalment_paid(instalment=instalment, paid_on=tomorrow, by=official())
    with pytest.raises(ValidationError, match="före attesten"):
        services.book_instalment_paid(
            instalment=instalment, paid_on=date(2020, 1, 1), by=official()
        )
    with pytest.raises(ValidationError):
        services.book_instalment_paid(
            instalment=instalment,
            paid_on=timezone.localdate(),
            finance_reference="V-\x0b1",
            by=official(),
        )
    assert Instalment.objects.get(pk=instalment.pk).status == InstalmentStatus.RELEASED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officials_releasing_at_once_release_it_once(demo: None) -> None:
    """The agreement row is locked first: the second official waits, then is told."""
    instalment = first_instalment(SIGNED)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def release() -> None:
        try:
            start.wait(timeout=10)
            with transaction.atomic():
                services.release_instalment(instalment=instalment, by=official())
            outcomes.append("released")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[1] == "released"
    assert "redan attesterad" in sorted(outcomes)[0]
    assert AuditEvent.objects.for_object(instalment).count() == 1


def test_the_api_and_the_exports_show_payment_status() -> None:
    import csv
    import io

    from django.test import Client

    from api.services import create_token
    from tests.helpers import login

    instalment = first_instalment(SIGNED)
    services.release_instalment(instalment=instalment, by=official())
    services.book_instalment_paid(
        instalment=instalment, paid_on=timezone.localdate(), finance_reference="V-9", by=official()
    )
    _token, secret = create_token(user=User.objects.get(username="matgille"), name="t", by=None)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    data = api.get(f"/api/v1/agreements/{SIGNED}").json()
    assert data["instalments"][0]["status"] == "paid"
    assert data["instalments"][0]["paid_on"] == timezone.localdate().isoformat()
    assert data["instalments"][1]["status"] == "planned"
    schema = api.get("/api/v1/openapi.json").json()["components"]["schemas"]["InstalmentOut"]
    assert schema["properties"]["status"]["enum"] == ["planned", "released", "paid"]

    client = Client()
    login(client, "handlaggare")
    content = client.get("/budget/2024/export/payments.csv").content.decode("utf-8-sig")
    rows = {
        (r["Referens"], r["Utbetalning nr"]): r
        for r in csv.DictReader(io.StringIO(content), delimiter=";")
    }
    paid = rows[(SIGNED, "1")]
    assert (paid["Status"], paid["Referens i ekonomisystemet"]) == ("Utbetald", "V-9")
    assert rows[(SIGNED, "2")]["Status"] == "Planerad"
