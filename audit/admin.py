from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest

from audit.models import AuditEvent, Revision
from core.admin import ReadOnlyAdmin


class _DateBrowsingChangeList(ChangeList):
    """Django's date hierarchy turns ?at__year=… into a datetime and catches ValueError only: a
    year beyond the C long range was an OverflowError, a server error. Any such year is an
    incorrect lookup, which the admin answers with its usual notice."""

    def get_filters(self, request: HttpRequest) -> Any:
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """History is read-only everywhere, the admin included."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _DateBrowsingChangeList

    list_display = ("at", "action", "target_repr", "actor", "reason")
    list_filter = ("action", "target_type")
    search_fields = ("target_repr", "reason", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin[Revision]):
    """The cache version stamp, to look at: only recording a change moves it."""

    list_display = ("number",)
