"""Django's Redis cache backend, with one redis-py client per connection pool (issue 18).

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object around the shared
connection pool on every cache call. redis-py's constructor is not cheap (it sets up its command
parser and response callbacks): with the session, the user and the rate-limit counters read
from the cache, it was about half of what a logged-in request cost before its view ran
(docs/performance.md, "The session floor"). A `redis.Redis` object is safe to share between
threads (every command takes a connection from the pool and gives it back), so one per pool
does the same work without building it again.

config.caches names this backend for every redis:// URL; everything else is Django's.
"""

from typing import Any

import redis
from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]  # not in django-stubs
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
