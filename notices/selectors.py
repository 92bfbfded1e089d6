from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from notices.models import Notice


def notices_about(obj: models.Model) -> QuerySet[Notice]:
    """What the system sent or will send about this object, newest first (for staff)."""
    return (
        Notice.objects.filter(
            about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk)
        )
        .select_related("recipient")
        .order_by("-queued_at", "-pk")
    )
