"""The session's user and verified device from a shared cache (issue 18, accounts.session_cache).

Run against a real Redis of our own (redis-server on a free port, no persistence), as the
servers use it: sessions `cached_db`, the user and the device cached under the user's
generation. What must hold: a logged-in request that only reads makes no query, and every
change that matters for access (deactivation, password, two-factor reset, enrolment, membership)
takes effect on the very next request, and so does every permission given or taken.
"""

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.session_cache import cached_user, forget_user
from config.urls import urlpatterns as site_urlpatterns
from core.views import bench_floor
from invitations.services import deactivate_user
from notices.services import set_language
from partners.models import PartnerMembership
from tests.conftest import make_partner, make_user
from tests.faults.harness import free_port
from tests.helpers import login
from twofactor.services import reset_two_factor

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
APP_DIRS: tuple[str, ...] = (
    "accounts",
    "agreements",
    "api",
    "core",
    "funding",
    "invitations",
    "notices",
)
APP_DIRS += ("partners", "twofactor", "audit", "exports", "archive", "demo")

# The site with the benchmarks' floor view: the middleware stack and nothing else.
urlpatterns = [*site_urlpatterns, path("bench/floor/", bench_floor)]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    program = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin")
    if program is None:
        pytest.skip("SKIPPED: needs redis-server (Debian: redis-server)")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - redis-server with fixed arguments
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def shared_cache(settings: Any, redis_url: str) -> Iterator[None]:
    """Settings as the servers have them with REDIS_URL (config/caches.py)."""
    from django.core.cache import cache

    from config.caches import caches, session_engine

    settings.CACHES = caches(redis_url, key_prefix="session-cache-test")
    settings.SESSION_ENGINE = session_engine(settings.CACHES)
    settings.ROOT_URLCONF = __name__
    assert settings.SESSION_ENGINE == "accounts.sessions"
    cache.clear()
    yield
    cache.clear()


def _floor(client: Client) -> Any:
    """The floor answers anyone; what matters is who the request's user turned out to be."""
    return client.get("/bench/floor/")


def _logged_in_official(client: Client) -> User:
    user = make_user("handlaggare-cache", "official")
    login(client, user.username)
    return user


def test_a_logged_in_floor_request_makes_no_query_once_cached(
    shared_cache: None, client: Client, django_assert_num_queries: Any
) -> None:
    _logged_in_official(client)
    assert _floor(client).status_code == 200  # fills the cache: user and device
    with django_assert_num_queries(0):
        response = _floor(client)
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()


def test_without_a_shared_cache_the_user_is_read_every_time(
    settings: Any, client: Client, django_assert_num_queries: Any
) -> None:
    """Per-process caches (no Redis) cache nothing here: another server's memory would keep a
    deactivated user. The floor reads session, user and device from the database."""
    settings.ROOT_URLCONF = __name__
    _logged_in_official(client)
    assert _floor(client).status_code == 200
    with django_assert_num_queries(3):
        assert _floor(client).status_code == 200


def test_a_deactivated_user_is_out_at_the_next_request(shared_cache: None, client: Client) -> None:
    user = _logged_in_official(client)
    assert _floor(client).status_code == 200
    deactivate_user(user=user, by=None)
    assert not _floor(client).wsgi_request.user.is_authenticated


def test_a_user_deactivated_with_update_and_forget_user_is_out(
    shared_cache: None, client: Client
) -> None:
    user = _logged_in_official(client)
    assert _floor(client).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    forget_user(user.pk)
    assert not _floor(client).wsgi_request.user.is_authenticated


def test_a_changed_password_ends_the_session_at_the_next_request(
    shared_cache: None, client: Client
) -> None:
    user = _logged_in_official(client)
    assert _floor(client).status_code == 200
    user.set_password("a-new-long-password-1")
    user.save()
    assert not _floor(client).wsgi_request.user.is_authenticated


def test_a_two_factor_reset_asks_for_the_second_step_at_the_next_request(
    shared_cache: None, client: Client
) -> None:
    user = _logged_in_official(client)
    admin = make_user("admin-cache", "official", is_superuser=True, is_staff=True)
    assert _floor(client).status_code == 200
    reset_two_factor(user=user, reason="Tappade telefonen", by=admin)
    response = _floor(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")


def test_an_unconfirmed_device_is_not_taken_from_the_cache(
    shared_cache: None, client: Client
) -> None:
    user = _logged_in_official(client)
    assert _floor(client).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    device.confirmed = False
    device.save()
    assert _floor(client).status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_device_given_to_another_user_no_longer_verifies_its_former_owner(
    shared_cache: None, client: Client
) -> None:
    """django-otp's admin lets a device's user be changed: the former owner's cached devices
    held it as theirs, so they are forgotten too, and the second step is asked again."""
    user = _logged_in_official(client)
    assert _floor(client).status_code == 200
    device = TOTPDevice.objects.get(user=user)
    device.user = make_user("new-owner-cache", "official")
    device.save()
    assert _floor(client).status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_cache_failing_at_commit_keeps_the_other_callbacks_of_the_transaction(
    shared_cache: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The change is committed when its second forget runs: a cache that stops answering then
    must not keep what else the transaction queued at commit (a bundle's build, an e-mail)
    from running, nor turn the committed change into an error (Django logs it)."""
    from django.db import transaction

    from core.generation_cache import forget

    ran = []
    working = settings.CACHES
    try:
        with django_capture_on_commit_callbacks(execute=True):
            forget("tests:commit:generation")  # the delete now reaches Redis
            transaction.on_commit(lambda: ran.append("the next callback"))
            # Redis goes away before the commit: nothing listens on this port.
            dead = f"redis://127.0.0.1:{free_port()}/0"
            settings.CACHES = {"default": {**working["default"], "LOCATION": dead}}
    finally:
        settings.CACHES = working
    assert ran == ["the next callback"]


def test_a_new_membership_is_seen_at_the_next_request(shared_cache: None, client: Client) -> None:
    user = make_user("partner-cache", "partner")
    client.force_login(user)
    assert not hasattr(_floor(client).wsgi_request.user, "partner_membership")
    partner = make_partner("cache-partner")
    PartnerMembership.objects.create(user=user, partner=partner)
    seen = _floor(client).wsgi_request.user
    assert seen.partner_membership.partner_id == partner.pk


def test_the_language_set_with_update_is_seen_at_the_next_request(
    shared_cache: None, client: Client
) -> None:
    user = _logged_in_official(client)
    assert _floor(client).wsgi_request.user.language != "en"
    set_language(user=User.objects.get(pk=user.pk), language="en")
    assert _floor(client).wsgi_request.user.language == "en"


SIGN = "agreements.sign_for_region"


def _signer(client: Client) -> tuple[User, Group, Permission]:
    """An official who may sign for the region through a group, their page cached."""
    user = _logged_in_official(client)
    permission = Permission.objects.get(codename="sign_for_region")
    group = Group.objects.create(name="Firmatecknare i test")
    group.permissions.add(permission)
    user.groups.add(group)
    assert _floor(client).wsgi_request.user.has_perm(SIGN)
    return user, group, permission


def test_the_permissions_come_with_the_cached_user(
    shared_cache: None, client: Client, django_assert_num_queries: Any
) -> None:
    _signer(client)
    with django_assert_num_queries(0):
        seen = _floor(client).wsgi_request.user
        assert seen.has_perm(SIGN)
        assert not seen.has_perm("funding.delete_budgetyear")


TAKEN: dict[str, Callable[[User, Group, Permission], object]] = {
    "the user leaves the group": lambda user, group, _: user.groups.remove(group),
    "the group loses its members": lambda _, group, __: group.user_set.clear(),
    "the group loses the permission": lambda _, group, perm: group.permissions.remove(perm),
    "the permission leaves the group": lambda _, group, perm: perm.group_set.remove(group),
    "the permission's groups are cleared": lambda _, __, perm: perm.group_set.clear(),
    "the group is deleted": lambda _, group, __: group.delete(),
    "the user's groups are set anew": lambda user, _, __: user.groups.set([]),
}


@pytest.mark.parametrize("how", TAKEN)
def test_a_permission_taken_is_gone_at_the_next_request(
    shared_cache: None, client: Client, how: str
) -> None:
    user, group, permission = _signer(client)
    TAKEN[how](user, group, permission)
    assert not _floor(client).wsgi_request.user.has_perm(SIGN)


def test_a_permission_given_directly_is_there_at_the_next_request(
    shared_cache: None, client: Client
) -> None:
    user = _logged_in_official(client)
    permission = Permission.objects.get(codename="sign_for_region")
    assert not _floor(client).wsgi_request.user.has_perm(SIGN)
    permission.user_set.add(user)
    assert _floor(client).wsgi_request.user.has_perm(SIGN)
    user.user_permissions.remove(permission)
    assert not _floor(client).wsgi_request.user.has_perm(SIGN)


def test_a_change_during_the_read_is_not_kept(shared_cache: None) -> None:
    """A request reads the user, a change commits before it stores what it read: the stored
    copy is under a generation the change removed, so the next request reads again."""
    user = make_user("racing", "official")

    def load_then_deactivate() -> User:
        read = User.objects.get(pk=user.pk)
        User.objects.filter(pk=user.pk).update(is_active=False)
        forget_user(user.pk)
        return read

    assert cached_user(user.pk, load_then_deactivate).is_active
    assert not cached_user(user.pk, lambda: User.objects.get(pk=user.pk)).is_active


def test_an_entry_without_its_generation_is_not_trusted(shared_cache: None) -> None:
    """Redis may evict the generation and keep the entry: then the database is read."""
    from django.core.cache import cache

    user = make_user("evicted", "official")
    assert cached_user(user.pk, lambda: User.objects.get(pk=user.pk)).is_active
    User.objects.filter(pk=user.pk).update(is_active=False)  # no signal, no forget_user
    cache.delete(f"auth:generation:{user.pk}")
    assert not cached_user(user.pk, lambda: User.objects.get(pk=user.pk)).is_active


UPDATE_ON_CACHED = re.compile(
    r"(User|TOTPDevice|StaticDevice|PartnerMembership|Device)\.objects\b[^\n]*\.update\("
)


def test_every_update_of_a_cached_model_forgets_the_user() -> None:
    """QuerySet.update() sends no signal; each use on the models the session cache holds must
    be followed by forget_user in the same function."""
    missing = []
    for app in APP_DIRS:
        for source in (ROOT / app).rglob("*.py"):
            lines = source.read_text().splitlines()
            for number, line in enumerate(lines):
                if UPDATE_ON_CACHED.search(line) and not any(
                    "forget_user(" in later for later in lines[number + 1 : number + 4]
                ):
                    missing.append(f"{source.relative_to(ROOT)}:{number + 1}")
    assert missing == []
