from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit.models import AuditEvent
from funding import services as funding
from funding.models import Programme
from partners.models import Partner


@pytest.fixture
def event(programme: Programme, partner_a: Partner, official: User) -> AuditEvent:
    funding.set_allocations(programme=programme, amounts={partner_a.pk: Decimal("5")}, by=official)
    return AuditEvent.objects.filter(action="allocation.created").get()


def test_event_cannot_be_changed_or_deleted_through_the_orm(event: AuditEvent) -> None:
    event.reason = "efterhand"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgres_refuses_update_and_delete(event: AuditEvent, sql: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, reason="").exists()


def test_history_records_who_when_old_new(event: AuditEvent, official: User) -> None:
    assert event.actor == official
    assert event.at is not None
    assert event.changes == {"amount": [None, "5"]}
    assert event.target_repr == "Grundfinansiering 2024 – Alfa"


def test_every_recorded_action_is_one_of_the_listed_kinds(db: None) -> None:
    from audit.actions import AuditAction
    from audit.services import record_event
    from partners.models import Partner

    partner = Partner.objects.create(display_name="X", legal_name="X AB", slug="x")
    with pytest.raises(ValueError, match="not a valid AuditAction"):
        record_event(action="partner.renamed", target=partner, by=None)  # type: ignore[arg-type]
    event = record_event(action=AuditAction.PARTNER_UPDATED, target=partner, by=None)
    assert event.get_action_display() == "Partnern ändrades"


def test_unchanged_fields_are_not_recorded(programme: Programme, official: User) -> None:
    """Issue 19: history records what changed; a field given with the same old and new value
    is left out (the event itself stays)."""
    from audit.actions import AuditAction
    from audit.services import record_event

    event = record_event(
        action=AuditAction.PROGRAMME_UPDATED,
        target=programme,
        by=official,
        changes={"ceiling": (Decimal("100"), Decimal("100.00")), "name": ("A", "B")},
    )
    assert event.changes == {"name": ["A", "B"]}


def test_dated_records_events_at_the_given_time(programme: Programme, official: User) -> None:
    from datetime import UTC, datetime

    from audit.actions import AuditAction
    from audit.services import dated, record_event

    then = datetime(2023, 10, 24, 12, 0, tzinfo=UTC)
    with dated(then):
        inside = record_event(action=AuditAction.PROGRAMME_UPDATED, target=programme, by=official)
    outside = record_event(action=AuditAction.PROGRAMME_UPDATED, target=programme, by=official)
    assert inside.at == then
    assert outside.at > then
