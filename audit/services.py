"""Writing history. Called by every service that changes money, status or signatures."""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from enum import Enum
from typing import Any, Final, Literal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.actions import AuditAction
from audit.cache import forget_revision
from audit.models import AuditEvent, Revision

Changes = dict[str, tuple[Any, Any]]

# When the events being recorded happened, if not now: set by `dated` (the demo replays its story
# with the story's dates, so history, timeline and signatures agree).
_story_time: ContextVar[datetime | None] = ContextVar("audit_story_time", default=None)


@contextmanager
def dated(at: datetime | None) -> Iterator[None]:
    """Record every event inside the block as happening at `at` (None: now, as usual).

    For callers that know when something happened: a signature given with its time, the demo's
    story. An explicit `at` given to `record_event` still wins.
    """
    token = _story_time.set(at) if at is not None else None
    try:
        yield
    finally:
        if token is not None:
            _story_time.reset(token)


def event_time() -> datetime:
    """When an event recorded now is dated: the time set by `dated`, or now."""
    return _story_time.get() or timezone.now()


def record_event(
    *,
    action: AuditAction,
    target: models.Model,
    by: User | None,
    changes: Changes | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. Call inside the service's transaction, after the change is saved.

    `at` is when it happened, when the caller knows it was earlier than now (a report handed in
    on a date the caller states); by default, now (or the time set by `dated`).

    A field whose old and new value are the same is left out: history shows what changed, never
    "1 850 000 kr → 1 850 000 kr".
    """
    action = AuditAction(action)  # a value outside the one list is a programming error
    bump_revision()
    return AuditEvent.objects.create(
        at=at or event_time(),
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        actor=by if by is not None and by.pk else None,
        changes={field: [old, new] for field, (old, new) in (changes or {}).items() if old != new},
        reason=reason,
    )


def bump_revision() -> None:
    """Move the cache version stamp on; in the caller's transaction, so it commits with it."""
    if not Revision.objects.filter(pk=Revision.SINGLETON).update(number=F("number") + 1):
        Revision.objects.get_or_create(pk=Revision.SINGLETON, defaults={"number": 1})
    forget_revision()


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """The fields whose value differs, as {field: (old, new)}."""
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


# The default of an update service's keyword arguments: "leave this field as it is". None cannot
# say that where None (or "") is a value the field may take, such as a decision's paragraph.
UNCHANGED: Final = _Unchanged.UNCHANGED
type Maybe[T] = T | Literal[_Unchanged.UNCHANGED]


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments the caller gave, without those left UNCHANGED."""
    return {name: value for name, value in values.items() if value is not UNCHANGED}


def audited_update[M: models.Model](
    instance: M,
    *,
    values: Mapping[str, Any],
    action: AuditAction,
    by: User | None,
    reason: str = "",
    check: Callable[[M], None] | None = None,
) -> Changes:
    """Change fields of a row the caller has locked, and record what changed (HackSoft's
    `model_update`, with the history): set the values, run the service's own `check` on the
    changed row, `full_clean`, save, and record one event with {field: (old, new)} for the
    fields whose value really changed (none: no event). Returns those changes."""
    before = _assign(instance, values)
    if check is not None:
        check(instance)
    instance.full_clean()
    instance.save()
    return _record_diff(instance, before, action=action, by=by, reason=reason)


def audited_set[M: models.Model](
    instance: M,
    *,
    values: Mapping[str, Any],
    action: AuditAction,
    by: User | None,
    reason: str = "",
    save_also: Sequence[str] = (),
) -> Changes:
    """`audited_update` for a step the service has checked itself (a status moving on, an
    amount its rules allowed): no `full_clean`; the values, and the fields in `save_also` the
    caller set with them (a version, who changed it), are saved in one row update."""
    before = _assign(instance, values)
    instance.save(update_fields=[*values, *save_also])
    return _record_diff(instance, before, action=action, by=by, reason=reason)


def _assign(instance: models.Model, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the values on the row; returns the ones they replace."""
    before = {name: getattr(instance, name) for name in values}
    for name, value in values.items():
        setattr(instance, name, value)
    return before


def _record_diff(
    instance: models.Model,
    before: dict[str, Any],
    *,
    action: AuditAction,
    by: User | None,
    reason: str,
) -> Changes:
    after = {name: getattr(instance, name) for name in before}
    return record_changes(
        action=action, target=instance, by=by, changes=diff(before, after), reason=reason
    )


def record_changes(
    *,
    action: AuditAction,
    target: models.Model,
    by: User | None,
    changes: Changes,
    reason: str = "",
) -> Changes:
    """Record one event with the fields whose value really changed; none changed, no event
    (saving a form as it was leaves no trace in the history). Returns those changes."""
    changes = {name: (old, new) for name, (old, new) in changes.items() if old != new}
    if changes:
        record_event(action=action, target=target, by=by, changes=changes, reason=reason)
    return changes


def record_created[M: models.Model](
    instance: M,
    *,
    action: AuditAction,
    by: User | None,
    fields: Iterable[str] = (),
    reason: str = "",
) -> M:
    """Record that the saved row `instance` was created, with the value it was created with of
    each of `fields` (as {field: (None, value)}: what history shows of a new row). Returns it."""
    changes = {name: (None, getattr(instance, name)) for name in fields}
    record_event(action=action, target=instance, by=by, changes=changes, reason=reason)
    return instance


def create_audited[M: models.Model](
    instance: M,
    *,
    action: AuditAction,
    by: User | None,
    fields: Iterable[str] = (),
    reason: str = "",
) -> M:
    """Save a new row and record its creation (HackSoft's `model_create`, with the history):
    `full_clean`, save, and one event with the values of `fields` (see `record_created`).
    Returns the saved row."""
    instance.full_clean()
    instance.save()
    return record_created(instance, action=action, by=by, fields=fields, reason=reason)


def audited_replace[M: models.Model](
    existing: models.QuerySet[M],
    rows: Iterable[M],
    *,
    describe: Callable[[M], Any],
    field: str,
    action: AuditAction,
    target: models.Model,
    by: User | None,
) -> list[M]:
    """Replace the `existing` rows (a parent's rows: its contacts, key figures, instalments)
    with the new `rows`, and record the list before and after under `field`, each row as
    `describe` gives it, when they differ. Returns the new rows, saved."""
    old = [describe(row) for row in existing]
    existing.delete()
    saved = existing.model._default_manager.bulk_create(rows)
    new = [describe(row) for row in saved]
    record_changes(action=action, target=target, by=by, changes={field: (old, new)})
    return saved
