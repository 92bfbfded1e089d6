"""Making and revoking API tokens. Each is one atomic unit of work with its history row."""

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role, User
from api.models import SHOWN_PREFIX_LENGTH, TOKEN_PREFIX, ApiToken
from api.permissions import can_hold_token
from audit.actions import AuditAction
from audit.services import record_created, record_event


def token_digest(plaintext: str) -> str:
    """SHA-256 in hex: what is stored and looked up (see api.models on why a fast hash)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
@transaction.atomic
def service_account(*, name: str, by: User | None) -> User:
    """The account of one of the region's systems (e.g. "ekonomisystemet"), made once: a user
    with the service role and no usable password, named `system-<slug>`. Its tokens read what
    the region's staff read; it cannot log in to the site."""
    slug = slugify(name)
    if not slug:
        raise ValidationError({"name": _("Ge systemet ett namn med bokstäver eller siffror.")})
    username = f"system-{slug}"[:150]
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=Role.SERVICE, first_name=name.strip()[:150])
        user.set_unusable_password()
        user.save()
        record_created(user, action=AuditAction.SERVICE_ACCOUNT_CREATED, by=by, fields=["role"])
    elif user.role != Role.SERVICE:
        raise ValidationError(_("%(u)s är inte ett systemkonto.") % {"u": username})
    return user


def create_token(
    *, user: User, name: str, expires_at: datetime | None = None, by: User | None
) -> tuple[ApiToken, str]:
    """A new token for `user`. The plaintext is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Ge token ett namn.")})
    if not can_hold_token(user):
        raise ValidationError(
            _(
                "Bara aktiva handläggare, nämndsekreterare, systemkonton och användare som hör "
                "till en partner kan ha en API-token."
            )
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Slutdatumet har redan passerat.")})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=plaintext[:SHOWN_PREFIX_LENGTH],
        digest=token_digest(plaintext),
        created_by=by,
        expires_at=expires_at,
    )
    record_event(
        action=AuditAction.API_TOKEN_CREATED,
        target=token,
        by=by,
        changes={
            "user": (None, user.username),
            "name": (None, name),
            "expires_at": (None, expires_at.isoformat() if expires_at else None),
        },
    )
    return token, plaintext


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User | None) -> ApiToken:
    """Stop a token from working, at once and for good."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("Token är redan återkallad."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        action=AuditAction.API_TOKEN_REVOKED,
        target=token,
        by=by,
        changes={"revoked_at": (None, token.revoked_at.isoformat())},
    )
    return token
