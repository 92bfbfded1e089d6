"""Small helpers shared by the page tests."""

from django.test import Client

from accounts.models import User

NBSP = "\u00a0"


def login(client: Client, username: str) -> Client:
    """Log in as `username`, past the second step too for staff (as if they typed the code)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import needs_two_factor

    user = User.objects.get(username=username)
    client.force_login(user)
    if needs_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def text(response: object) -> str:
    """The response body with no-break spaces as plain spaces, for readable assertions."""
    body = response.content.decode()  # type: ignore[attr-defined]
    return body.replace(NBSP, " ").replace("&nbsp;", " ")
