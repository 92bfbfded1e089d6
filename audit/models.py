"""The history of every change of money, status and signature (design §3, invariant 5).

One append-only table written by the services, in the same transaction as the change it
describes: who, when, what, old → new, and the reason where the rules ask for one. See
docs/architecture.md for why this is an explicit model rather than a generic history library.
"""

from typing import Any, NoReturn

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from audit.actions import AuditAction


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, obj: models.Model) -> "AuditEventQuerySet":
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        )

    def for_objects(self, model: type[models.Model], pks: Any) -> "AuditEventQuerySet":
        return self.filter(
            target_type=ContentType.objects.get_for_model(model),
            target_id__in=[str(pk) for pk in pks],
        )

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("History is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("History is append-only.")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    actor = user_reference(
        _("utförd av"), help_text=_("Tom när systemet självt gjorde ändringen (t.ex. demodata).")
    )
    action = models.CharField(_("händelse"), max_length=64, choices=AuditAction.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("avser"), max_length=255)
    changes = models.JSONField(
        _("ändringar"),
        default=dict,
        encoder=DjangoJSONEncoder,
        help_text=_('Fält → [före, efter], t.ex. {"amount": ["0", "3000000"]}.'),
    )
    reason = models.TextField(_("motivering"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("historikpost")
        verbose_name_plural = _("historik")
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("History is append-only: an event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("History is append-only: an event cannot be deleted.")


class Revision(models.Model):
    """One row whose number goes up with every recorded change: a version stamp for caches.

    `record_event` increments it in the change's own transaction. The increment takes the
    row's lock until commit, so the number is in commit order (an id of the history table is
    not: ids are handed out at insert, transactions commit in any order). A page cached under
    number N therefore never hides a change committed after N was read.
    """

    SINGLETON = 1
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("revision")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="revision_single_row"),
        ]

    def __str__(self) -> str:
        return str(self.number)


def current_revision() -> int:
    """The number of the latest committed change (0 before any). Every cached page asks it
    on every request, so it is one plain statement: building it through the ORM cost more
    than running it (issue 18, docs/performance.md)."""
    table = connection.ops.quote_name(Revision._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [Revision.SINGLETON])  # noqa: S608 - our table's name
        row = cursor.fetchone()
    return int(row[0]) if row else 0
