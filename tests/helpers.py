"""Small helpers shared by the page tests."""

from django.test import Client

from accounts.models import User

NBSP = "\u00a0"


def login(client: Client, username: str) -> Client:
    client.force_login(User.objects.get(username=username))
    return client


def text(response: object) -> str:
    """The response body with no-break spaces as plain spaces, for readable assertions."""
    body = response.content.decode()  # type: ignore[attr-defined]
    return body.replace(NBSP, " ").replace("&nbsp;", " ")
