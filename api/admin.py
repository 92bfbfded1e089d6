"""Tokens in the admin: listed (by their start, never the digest), revoked through the service.
They are made with `manage.py api_token create`, which prints the secret once."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from api import services
from api.models import ApiToken
from core.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin[ApiToken]):
    list_display = (
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    fields = (
        "prefix",
        "name",
        "user",
        "created_at",
        "created_by",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = fields
    actions = ("revoke",)

    @admin.action(description=_("Återkalla valda token"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        by = request.user if isinstance(request.user, User) else None
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_token(token=token, by=by)
            done += 1
        self.message_user(request, _("%(count)d token återkallade.") % {"count": done})
