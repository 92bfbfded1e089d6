"""What the cache holds rendered or pickled is kept per release (config.caches.release,
core.generation_cache.released): after a deploy no server reads what the former code stored,
which it might not unpickle or would show with the old templates; and during a rolling deploy,
a change made through a server of either release still reaches the other's entries."""

from pathlib import Path
from typing import Any

import pytest
import redis
from django.core.cache import cache

from accounts.models import User
from accounts.session_cache import cached_user, forget_user
from audit.cache import per_revision
from config.caches import release
from core.generation_cache import released
from tests.accounts.test_session_cache import redis_url, shared_cache  # noqa: F401
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _tree(root: Path) -> None:
    for name, text in {
        "app/models.py": "class A: ...\n",
        "templates/page.html": "<p>{{ x }}</p>\n",
        "locale/sv/LC_MESSAGES/django.mo": "compiled\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_release_changes_with_the_code_templates_and_translations(tmp_path: Path) -> None:
    _tree(tmp_path)
    first = release(tmp_path)
    assert release(tmp_path) == first  # every server of one release computes the same
    for name in ("app/models.py", "templates/page.html", "locale/sv/LC_MESSAGES/django.mo"):
        (tmp_path / name).write_text((tmp_path / name).read_text() + "changed\n")
        changed = release(tmp_path)
        assert changed != first, name
        first = changed


def test_what_runs_beside_the_code_does_not_change_the_release(tmp_path: Path) -> None:
    """Written at run time (var/, collected static files) or never served (tests, docs): two
    servers of one release must agree whatever they have written."""
    _tree(tmp_path)
    before = release(tmp_path)
    for name in ("var/serve.py", "staticfiles/robots.txt", "tests/test_a.py", "docs/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("anything\n")
    (tmp_path / "app/__pycache__").mkdir()
    (tmp_path / "app/__pycache__/models.cpython-312.pyc").write_bytes(b"\0")
    assert release(tmp_path) == before
    # The document folder, wherever MEDIA_ROOT puts it (settings pass it).
    (tmp_path / "documents/reports").mkdir(parents=True)
    (tmp_path / "documents/reports/attachment.txt").write_text("uploaded\n")
    assert release(tmp_path, besides=(tmp_path / "documents",)) == before
    assert release(tmp_path) != before  # what `besides` is for


def _store_raw(url: str, key: str, value: bytes) -> None:
    """Put bytes in Redis as another program would: no pickle a release could read."""
    redis.Redis.from_url(url).set(cache.make_and_validate_key(key), value)


@pytest.mark.usefixtures("shared_cache")
def test_an_entry_the_former_release_stored_is_never_read(
    settings: Any,
    redis_url: str,  # noqa: F811
) -> None:
    """What a former release pickled (a class since renamed, a field since gone) cannot always
    be read by the new code: the new release does not look at it."""
    user = make_user("release-user", "official")
    settings.CACHE_RELEASE = "former"
    cached_user(user.pk, lambda: User.objects.get(pk=user.pk))  # the generation and an entry
    _store_raw(redis_url, released(f"auth:user:{user.pk}"), b"pickled by the former code")
    with pytest.raises(Exception, match="pickle"):  # what the former entry would do to a reader
        cached_user(user.pk, lambda: User.objects.get(pk=user.pk))
    settings.CACHE_RELEASE = "new"
    assert cached_user(user.pk, lambda: User.objects.get(pk=user.pk)).pk == user.pk


@pytest.mark.usefixtures("shared_cache")
def test_a_change_made_through_one_release_reaches_the_others_entries(settings: Any) -> None:
    """During a rolling deploy both releases serve: the generation is shared, so a user
    deactivated through a server of the new release is out on the former's at once."""
    user = make_user("rolling-user", "official")
    settings.CACHE_RELEASE = "former"
    assert cached_user(user.pk, lambda: User.objects.get(pk=user.pk)).is_active
    settings.CACHE_RELEASE = "new"
    User.objects.filter(pk=user.pk).update(is_active=False)
    forget_user(user.pk)
    settings.CACHE_RELEASE = "former"
    assert not cached_user(user.pk, lambda: User.objects.get(pk=user.pk)).is_active


@pytest.mark.usefixtures("shared_cache")
def test_a_page_rendered_by_the_former_release_is_rendered_again(settings: Any) -> None:
    settings.CACHE_RELEASE = "former"
    assert per_revision("release-page", lambda: "<p>former layout</p>") == "<p>former layout</p>"
    assert per_revision("release-page", lambda: "<p>not asked</p>") == "<p>former layout</p>"
    settings.CACHE_RELEASE = "new"
    assert per_revision("release-page", lambda: "<p>new layout</p>") == "<p>new layout</p>"
