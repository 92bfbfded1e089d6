"""One-time links: an invitation to choose a first password, and a password reset.

Both use Django's token generator: the token is signed with the secret key, expires after
PASSWORD_RESET_TIMEOUT, and stops working once used, because it covers the password hash and
the last login, which setting a password or logging in change. The invitation's generator has a
salt of its own, so a reset token is not an invitation token or the other way round. The tokens
are made when the e-mail is sent (notices.services.email_for) and never stored.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User

INVITATION = "account.invitation"
PASSWORD_RESET = "account.password_reset"  # noqa: S105 (a kind of link, not a password)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()


def one_time_path(kind: str, user: User) -> str:
    """The path of a fresh one-time link of this kind for this user."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    if kind == INVITATION:
        token = invitation_token_generator.make_token(user)
        return reverse("accept_invitation", kwargs={"uidb64": uidb64, "token": token})
    if kind == PASSWORD_RESET:
        token = default_token_generator.make_token(user)
        return reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    raise ValueError(f"No one-time link for {kind!r}.")
