"""Making and revoking tokens: who may hold one, what is stored, what history says."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from api import services
from api.models import ApiToken
from audit.models import AuditEvent
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_create_stores_only_the_digest_and_records_it(official: User, secretary: User) -> None:
    token, plaintext = services.create_token(user=secretary, name="Ekonomisystemet", by=official)
    assert re.fullmatch(r"gf_[A-Za-z0-9_-]{43}", plaintext)
    assert token.digest == hashlib.sha256(plaintext.encode()).hexdigest()
    assert token.prefix == plaintext[:8]
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert plaintext not in {str(v) for v in stored.values()}
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == official
    assert event.target_id == str(token.pk)
    assert event.changes["user"] == [None, "secretary"]
    assert plaintext not in str(event.changes)


def test_tokens_differ(official: User) -> None:
    first = services.create_token(user=official, name="a", by=None)[1]
    second = services.create_token(user=official, name="a", by=None)[1]
    assert first != second


def test_partner_user_may_hold_a_token(signatory_a: User) -> None:
    token, _ = services.create_token(user=signatory_a, name="Intranät", by=None)
    assert token.user == signatory_a


@pytest.mark.parametrize(
    "kind", ["inactive official", "no role", "partner role without partner", "superuser"]
)
def test_others_may_not(db: None, kind: str) -> None:
    user = {
        "inactive official": lambda: make_user("x", Role.OFFICIAL, is_active=False),
        "no role": lambda: make_user("x"),
        "partner role without partner": lambda: make_user("x", Role.PARTNER),
        "superuser": lambda: make_user("x", is_superuser=True, is_staff=True),
    }[kind]()
    with pytest.raises(ValidationError):
        services.create_token(user=user, name="x", by=None)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token.created").exists()


def test_name_is_required_and_expiry_in_the_future(official: User) -> None:
    with pytest.raises(ValidationError):
        services.create_token(user=official, name="  ", by=None)
    with pytest.raises(ValidationError):
        services.create_token(
            user=official, name="x", expires_at=timezone.now() - timedelta(days=1), by=None
        )


def test_revoke_records_and_refuses_twice(official: User) -> None:
    token, _ = services.create_token(user=official, name="x", by=official)
    services.revoke_token(token=token, by=official)
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor == official
    assert event.target_id == str(token.pk)
    with pytest.raises(ValidationError):
        services.revoke_token(token=token, by=official)
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_database_refuses_a_digest_that_is_not_sha256_hex(official: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(user=official, name="x", prefix="gf_abcde", digest="NOT-HEX")
