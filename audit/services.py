"""Writing history. Called by every service that changes money, status or signatures."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F

from accounts.models import User
from audit.actions import AuditAction
from audit.models import AuditEvent, Revision

Changes = dict[str, tuple[Any, Any]]


def record_event(
    *,
    action: AuditAction,
    target: models.Model,
    by: User | None,
    changes: Changes | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. Call inside the service's transaction, after the change is saved."""
    action = AuditAction(action)  # a value outside the one list is a programming error
    bump_revision()
    return AuditEvent.objects.create(
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        actor=by if by is not None and by.pk else None,
        changes={field: [old, new] for field, (old, new) in (changes or {}).items()},
        reason=reason,
    )


def bump_revision() -> None:
    """Move the cache version stamp on; in the caller's transaction, so it commits with it."""
    if not Revision.objects.filter(pk=Revision.SINGLETON).update(number=F("number") + 1):
        Revision.objects.get_or_create(pk=Revision.SINGLETON, defaults={"number": 1})


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """The fields whose value differs, as {field: (old, new)}."""
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
