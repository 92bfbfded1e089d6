from django.contrib import admin

from archive.models import ArchiveBundle
from core.admin import ReadOnlyAdmin


@admin.register(ArchiveBundle)
class ArchiveBundleAdmin(ReadOnlyAdmin[ArchiveBundle]):
    list_display = (
        "budget_year",
        "status",
        "done",
        "total",
        "attempt",
        "progressed_at",
        "requested_by",
        "requested_at",
    )
    list_select_related = ("budget_year", "requested_by")
