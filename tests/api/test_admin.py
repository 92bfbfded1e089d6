"""The admin lists tokens by their start (never the digest) and revokes through the service."""

import pytest
from django.test import Client

from accounts.models import User
from api import services
from audit.models import AuditEvent
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_list_and_revoke(demo: None) -> None:
    token, _ = services.create_token(
        user=User.objects.get(username="coompanion"), name="Intranät", by=None
    )
    client = login(Client(), "admin")
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200
    assert token.prefix in page.content.decode()
    assert token.digest not in page.content.decode()
    assert client.get("/admin/api/apitoken/add/").status_code == 403
    response = client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk], "index": 0},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    actor = AuditEvent.objects.get(action="api_token.revoked").actor
    assert actor is not None
    assert actor.username == "admin"
    detail = client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert detail.status_code == 200
    assert token.digest not in detail.content.decode()
