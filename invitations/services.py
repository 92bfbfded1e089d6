"""Every write of an invitation, a password reset and a deactivation: one transaction each,
with its history row and, for the ones that e-mail, its notice (sent after the commit)."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from audit.actions import AuditAction
from audit.services import audited_set, record_event
from core.limits import within_rate
from invitations import messages
from notices.models import NoticeKind
from notices.services import queue_notices

# Who may be invited: a person who will log in. Administrators are made in the admin; service
# accounts are other systems (api.services).
INVITABLE_ROLES = (Role.PARTNER, Role.OFFICIAL, Role.SECRETARY)


def address_taken_message() -> str:
    # Says neither whose account it is nor which partner it belongs to.
    return _(
        "Det finns redan ett konto med den e-postadressen. Personen kan logga in med det, "
        "eller få ett nytt lösenord via ”Glömt lösenordet?”. Ska kontot flyttas till en annan "
        "organisation, kontakta Region Halland."
    )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def is_pending(user: User) -> bool:
    """Invited and not yet accepted: active, with no password chosen."""
    return user.is_active and not user.has_usable_password()


@transaction.atomic
def invite_user(
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation: str,
    by: User | None,
    title: str = "",
) -> User:
    """Create an active user with no usable password, their username the e-mail address, and
    e-mail them a one-time link to choose a password. `organisation` names what they are
    invited to (the partner, or the region for its staff)."""
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": _("Den rollen kan inte bjudas in.")})
    email = normalise_email(email)
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": address_taken_message()})
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        title=title.strip(),
        is_active=True,
    )
    user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as error:
        # The username is the address: what the username refuses is the address's fault.
        errors = error.message_dict
        if "username" in errors:
            errors.setdefault("email", []).extend(errors.pop("username"))
        raise ValidationError(errors) from error
    try:
        with transaction.atomic():  # a concurrent invitation of the same address loses here
            user.save()
    except IntegrityError as error:
        raise ValidationError({"email": address_taken_message()}) from error
    record_event(
        action=AuditAction.ACCOUNT_INVITED,
        target=user,
        by=by,
        changes={"role": (None, role), "email": (None, email)},
    )
    _send_invitation(user, by=by, organisation=organisation)
    return user


def _send_invitation(user: User, *, by: User | None, organisation: str) -> None:
    queue_notices(
        NoticeKind.INVITATION,
        [user],
        about=user,
        build=lambda recipient: messages.invitation(
            recipient, invited_by=by, organisation=organisation
        ),
    )


@transaction.atomic
def resend_invitation(*, user: User, organisation: str, by: User | None) -> User:
    """A new link for someone who has not chosen a password yet (the first may have expired)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not is_pending(user):
        raise ValidationError(
            _("%(name)s har redan valt lösenord eller är inaktiverad.")
            % {"name": user.display_name}
        )
    record_event(action=AuditAction.ACCOUNT_INVITATION_RESENT, target=user, by=by)
    _send_invitation(user, by=by, organisation=organisation)
    return user


@transaction.atomic
def accept_invitation(*, user: User, password: str) -> User:
    """The invited person's first password (already checked against the validators)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not is_pending(user):
        raise ValidationError(_("Inbjudan har redan använts."))
    return _set_password(user, password, action=AuditAction.ACCOUNT_INVITATION_ACCEPTED)


@transaction.atomic
def reset_password(*, user: User, password: str) -> User:
    """A new password chosen through a reset link."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("Kontot är inaktiverat."))
    return _set_password(user, password, action=AuditAction.ACCOUNT_PASSWORD_RESET)


def _set_password(user: User, password: str, *, action: AuditAction) -> User:
    """The person's own new password, in the history as set by them."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(action=action, target=user, by=user)
    return user


@transaction.atomic
def deactivate_user(*, user: User, by: User | None) -> User:
    """The user can no longer log in; their sessions stop working at their next request
    (accounts.backends refuses inactive users), and e-mail still queued for them is not sent.
    Their name stays on what they signed and in the history."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("Du kan inte inaktivera ditt eget konto."))
    if not user.is_active:
        raise ValidationError(_("%(name)s är redan inaktiverad.") % {"name": user.display_name})
    audited_set(user, values={"is_active": False}, action=AuditAction.ACCOUNT_DEACTIVATED, by=by)
    return user


def reset_candidates(email: str) -> list[User]:
    """Who a reset for this address goes to (Django's rule): active people with this address
    and a password of their own. An invited person who has not chosen one gets a new
    invitation instead; a service account never has a password."""
    users = User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(
        role=Role.SERVICE
    )
    return [user for user in users if user.has_usable_password()]


@transaction.atomic
def request_password_reset(*, email: str) -> int:
    """Queue a reset e-mail to each account with this address; how many were queued.

    The page answers the same whatever this finds. Besides the per-client limit on the page
    (PASSWORD_RESET_RATE_LIMIT), one address gets at most PASSWORD_RESET_ADDRESS_RATE_LIMIT
    e-mails an hour, so nobody can fill a person's inbox from many addresses.
    """
    users = reset_candidates(email)
    if not users:
        return 0
    key = hashlib.sha256(normalise_email(email).encode()).hexdigest()
    allowed, _retry = within_rate(
        scope="password_reset_address",
        key=key,
        limit=int(settings.PASSWORD_RESET_ADDRESS_RATE_LIMIT),
        window_seconds=3600,
    )
    if not allowed:
        return 0
    queued = queue_notices(
        NoticeKind.PASSWORD_RESET, users, about=None, build=messages.password_reset
    )
    return len(queued)
