"""Bearer-token authentication: `Authorization: Bearer gf_…`.

The API reads no session cookie: a token is the only way in, so a browser that is logged in to
the site gets 401 here, and cross-site requests cannot ride on a session.
"""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from accounts.models import User
from api.models import ApiToken
from api.permissions import can_hold_token
from api.services import token_digest

# Writing last_used_at on every request would turn each read into a write; to the minute is
# more than anyone needs to see whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User:
        value = request.headers.get(self.header, "")
        scheme, _, token = value.partition(" ")
        if not value:
            raise AuthenticationError(message="Authentication required: send a bearer token.")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(message="Use the header 'Authorization: Bearer <token>'.")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = (
            ApiToken.objects.select_related("user__partner_membership")
            .filter(digest=token_digest(token))
            .first()
        )
        if found is None:
            raise AuthenticationError(message="Unknown token.")
        if found.revoked_at is not None:
            raise AuthenticationError(message="This token has been revoked.")
        if found.is_expired():
            raise AuthenticationError(message="This token has expired.")
        if not can_hold_token(found.user):
            raise AuthenticationError(message="This token's user may no longer use the API.")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # The selectors scope what they return by request.user: the token's user, not whoever
        # a session cookie (ignored here) belongs to.
        request.user = found.user
        return found.user
