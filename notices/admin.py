from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notices.models import Notice
from notices.sending import requeue


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin[Notice]):
    """What the system sent or will send. Read-only: a notice is never edited; one that failed,
    or whose sender stopped mid-way, can be put back in the queue."""

    list_display = ("queued_at", "kind", "to_address", "about_repr", "status", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "about_repr", "subject")
    date_hierarchy = "queued_at"
    actions = ("requeue_notices",)
    # The text of invitations and resets has no link in it: it is made when sending.
    fields = (
        "kind",
        "recipient",
        "to_address",
        "language",
        "about_repr",
        "subject",
        "body_text",
        "status",
        "queued_at",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notice | None = None) -> bool:
        return False

    @admin.action(description=_("Köa igen (misslyckade eller avbrutna)"))
    def requeue_notices(self, request: HttpRequest, queryset: QuerySet[Notice]) -> None:
        count = sum(1 for notice in queryset if requeue(notice))
        self.message_user(
            request,
            ngettext("%(n)d meddelande köades igen.", "%(n)d meddelanden köades igen.", count)
            % {"n": count},
            messages.SUCCESS,
        )
