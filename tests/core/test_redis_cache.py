"""The Redis cache backend keeps one redis-py client per connection pool (core.redis_cache).

Against a real Redis of our own (tests.accounts.test_session_cache starts it): the backend
config.caches names for a redis:// URL works like Django's (it is Django's, but for
`get_client`), builds its client once instead of on every call, and stays correct when
threads share it, as gunicorn's threaded workers would.
"""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import cache, caches

from core.redis_cache import RedisCache
from tests.accounts.test_session_cache import redis_url, shared_cache  # noqa: F401

pytestmark = pytest.mark.usefixtures("shared_cache")


def test_config_names_the_backend_for_a_redis_url() -> None:
    assert isinstance(caches["default"], RedisCache)


def test_every_cache_call_uses_the_same_client() -> None:
    client: Any = cache._cache  # type: ignore[attr-defined]
    first = client.get_client()
    cache.set("a", 1)
    cache.get_many(["a", "b"])
    assert client.get_client() is first
    assert client.get_client(write=True) is first  # one server: reads and writes share it


def test_the_cache_reads_and_writes_through_the_shared_client() -> None:
    cache.set("figure", {"öre": 1_190_000_000})
    assert cache.add("figure", "other") is False
    assert cache.get_many(["figure", "missing"]) == {"figure": {"öre": 1_190_000_000}}
    cache.add("counter", 0)
    assert cache.incr("counter", 5) == 5
    cache.delete("figure")
    assert cache.get("figure") is None


def test_threads_sharing_the_client_each_see_their_own_values() -> None:
    # `cache` is per thread; one backend object handed to every thread shares its client.
    backend = caches["default"]

    def round_trip(n: int) -> bool:
        key = f"thread-{n}"
        for value in range(50):
            backend.set(key, (n, value))
            if backend.get(key) != (n, value):
                return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(round_trip, range(16)))
