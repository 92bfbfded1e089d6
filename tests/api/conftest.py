"""Tokens for the demo's users, and a client that sends them."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from api import services


class ApiClient:
    """The Django test client with `Authorization: Bearer <token>` on every request."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.client = Client()

    def get(self, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.get(path, params, headers=headers)


def token_for(username: str, name: str = "test") -> str:
    user = User.objects.get(username=username)
    _token, plaintext = services.create_token(user=user, name=name, by=None)
    return plaintext


@pytest.fixture
def official_api(demo: None) -> ApiClient:
    return ApiClient(token_for("handlaggare"))


@pytest.fixture
def secretary_api(demo: None) -> ApiClient:
    return ApiClient(token_for("sekreterare"))


@pytest.fixture
def coompanion_api(demo: None) -> ApiClient:
    return ApiClient(token_for("coompanion"))


@pytest.fixture
def matgille_api(demo: None) -> ApiClient:
    return ApiClient(token_for("matgille"))
