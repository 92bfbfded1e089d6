"""Bearer tokens for the read-only JSON API (issue 9).

A token is `gf_` followed by 43 URL-safe characters from `secrets.token_urlsafe(32)`: 256 random
bits. Only its SHA-256 is stored. A fast, unsalted hash is enough here, unlike for passwords:
there is nothing to guess from a 256-bit random secret, so a slow hash would only slow every API
request down without making a leaked table any easier to use.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import user_reference
from core.models import SHA256_HEX
from core.validators import single_line

TOKEN_PREFIX = "gf_"  # noqa: S105  # a marker for secret scanners, not a secret
# `gf_` and the first five characters of the secret: enough to tell tokens apart in a listing
# and in a leaked log line, far too little to guess the rest from.
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 5


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    # PROTECT, not CASCADE: a token is part of the record of who could read what; users are
    # deactivated (which stops their tokens at once), not deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("användare"),
    )
    name = models.CharField(
        _("namn"), max_length=100, help_text=_("Vad token används till."), validators=[single_line]
    )
    prefix = models.CharField(_("början"), max_length=SHOWN_PREFIX_LENGTH, db_index=True)
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = user_reference(_("skapad av"))
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)
    expires_at = models.DateTimeField(_("upphör"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-token")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest__regex=SHA256_HEX), name="api_token_digest_hex"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="api_token_has_name"),
            models.CheckConstraint(
                condition=Q(prefix__startswith=TOKEN_PREFIX), name="api_token_prefix_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
