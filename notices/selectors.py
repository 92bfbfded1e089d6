from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from core.generation_cache import forget
from notices.models import Notice

# Pages that show notices cache them under this generation (core.generation_cache); every write
# to a notice forgets it: saves and deletes by signal (connect_invalidation), the sender's
# row updates by calling forget_notices (notices.sending). Sending is rare next to reading.
GENERATION_KEY = "notices:generation"


def forget_notices() -> None:
    """Make every server read the notices again (after a write that sends no signal)."""
    forget(GENERATION_KEY)


def _forget(sender: type[models.Model], **kwargs: object) -> None:
    forget_notices()


def connect_invalidation() -> None:
    """Called from NoticesConfig.ready()."""
    for signal in (post_save, post_delete):
        signal.connect(_forget, sender=Notice, dispatch_uid="notices-generation")


def notices_about(obj: models.Model) -> QuerySet[Notice]:
    """What the system sent or will send about this object, newest first (for staff)."""
    return (
        Notice.objects.filter(
            about_type=ContentType.objects.get_for_model(obj), about_id=str(obj.pk)
        )
        .select_related("recipient")
        .order_by("-queued_at", "-pk")
    )
