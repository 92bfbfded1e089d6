from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from audit.models import AuditEvent, Revision


class ReadOnlyAdmin[M: models.Model](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """History is read-only everywhere, the admin included."""

    list_display = ("at", "action", "target_repr", "actor", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("target_repr", "reason", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin[Revision]):
    """The cache version stamp, to look at: only recording a change moves it."""

    list_display = ("number",)
