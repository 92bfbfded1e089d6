"""Two-factor devices of the region's staff: enrolment, the second login step, reset.

Lives above `audit` (accounts cannot record history: audit depends on it). The middleware
that asks for the second step stays in `accounts.two_factor`.

A staff user without a confirmed device enrols an authenticator app themselves (after an
invitation or a reset): one unconfirmed TOTP device is made, confirmed by a code from the app,
and ten single-use recovery codes (django-otp's static device) are made with it. The second
step takes either a code from the app or a recovery code. Every verification counts towards
the device's own throttle (django-otp's growing delays), so a wrong code is written even when
the step fails: verification happens in its own transaction, never one a refusal rolls back.
"""

from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import django_otp
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.session_cache import forget_user
from accounts.two_factor import needs_two_factor
from audit.actions import AuditAction
from audit.services import record_event
from twofactor.permissions import can_reset_two_factor

RECOVERY_CODE_COUNT = 10
# At or below this many unused recovery codes, the user is told to ask for new ones.
FEW_RECOVERY_CODES = 2
APP_DEVICE_NAME = "Autentiseringsapp"
RECOVERY_DEVICE_NAME = "Reservkoder"


def may_enrol(user: User) -> bool:
    """Staff with no confirmed device of any kind. Someone holding only the password of a user
    who has a device must never add their own app: that user passes the second step first."""
    return needs_two_factor(user) and not django_otp.user_has_device(user, confirmed=True)


def pending_device(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator: the one made earlier (the same QR code after a
    reload), or a new one with a random key."""
    if not may_enrol(user):
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_device(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it and make the recovery codes.

    Returns the device and the recovery codes in clear: shown once, stored nowhere else than
    django-otp's own tokens. A wrong code raises ValidationError (and counts, see above)."""
    device = pending_device(user=user)
    _check_allowed(device)
    if django_otp.verify_token(user, device.persistent_id, _normalised(token)) is None:
        raise ValidationError(
            _("Koden stämmer inte. Skriv den kod appen visar just nu för det här kontot."),
            code="invalid_token",
        )
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # one enrolment at a time
        if not may_enrol(user):  # another tab confirmed a device meanwhile
            raise PermissionDenied
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        forget_user(user.pk)  # update() sends no signal: the session's cached device (issue 18)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device.confirmed = True
        codes = _new_recovery_codes(user)
        record_event(
            action=AuditAction.TWO_FACTOR_ENROLLED,
            target=user,
            by=user,
            changes={"devices": ([], [APP_DEVICE_NAME, RECOVERY_DEVICE_NAME])},
        )
    return device, codes


@dataclass(frozen=True)
class SecondStep:
    device: Any  # the django-otp device that accepted the code
    recovery_codes_left: int | None  # None unless a recovery code was used


def verify_second_step(*, user: User, token: str) -> SecondStep:
    """Check a code from the app (six digits) or a recovery code against the user's confirmed
    devices. A used recovery code is consumed and recorded in the history."""
    token = _normalised(token)
    # Codes from the app are six digits; recovery codes eight letters and digits.
    app_code = token.isascii() and token.isdigit() and len(token) == 6
    kind = TOTPDevice if app_code else StaticDevice
    device = kind.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        raise ValidationError(_invalid_code_message(), code="invalid_token")
    _check_allowed(device)
    with transaction.atomic():
        verified = django_otp.verify_token(user, device.persistent_id, token)
        left = None
        if isinstance(verified, StaticDevice):
            left = verified.token_set.count()
            record_event(
                action=AuditAction.TWO_FACTOR_RECOVERY_CODE_USED,
                target=user,
                by=user,
                changes={"recovery_codes_left": (left + 1, left)},
            )
    if verified is None:
        raise ValidationError(_invalid_code_message(), code="invalid_token")
    return SecondStep(device=verified, recovery_codes_left=left)


@transaction.atomic
def reset_two_factor(*, user: User, reason: str, by: User) -> int:
    """Remove all of `user`'s two-factor devices (the app and the recovery codes), with the
    reason in the history. Staff then enrol again at their next login. Returns how many
    devices were removed."""
    if not can_reset_two_factor(by):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Skriv varför tvåstegsinloggningen återställs.")}, code="required"
        )
    User.objects.select_for_update().get(pk=user.pk)
    names = [device.name for device in django_otp.devices_for_user(user, confirmed=None)]
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # and its tokens
    record_event(
        action=AuditAction.TWO_FACTOR_RESET,
        target=user,
        by=by,
        changes={"devices": (sorted(names), [])},
        reason=reason,
    )
    return len(names)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _normalised(token: str) -> str:
    """As typed, without spaces or dashes and in lower case (recovery codes are lower case)."""
    return "".join(token.split()).replace("-", "").lower()


def _check_allowed(device: Any) -> None:
    """Refuse, with how long to wait, while the device's throttle is closed."""
    allowed, extra = device.verify_is_allowed()
    if allowed:
        return
    if extra and extra.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        raise ValidationError(
            ngettext(
                "Fel kod %(n)d gång i rad. Vänta en stund och försök igen.",
                "Fel kod %(n)d gånger i rad. Vänta en stund och försök igen.",
                extra["failure_count"],
            )
            % {"n": extra["failure_count"]},
            code="throttled",
        )
    raise ValidationError(_("Koden kan inte kontrolleras just nu."), code="not_allowed")


def _invalid_code_message() -> str:
    return _("Koden stämmer inte. Skriv koden från appen eller en oanvänd reservkod.")
