"""The session engine with a shared cache: one round trip for the session and its user (issue 18).

Django's `cached_db` reads the session from the cache; then `accounts.session_cache` reads the
session's user (with their devices) under the user's generation: two round trips to Redis
before any view runs, the larger part of what a logged-in request cost in the profile
(docs/performance.md, "The session floor"). The user's id is inside the session, so the two
cannot simply be asked together; but a server has usually seen the session before. This store
remembers, per process, which user each session it loaded belonged to, and on the next load
reads the session and that user's entries in one `get_many`. What it read ahead serves
`cached_user` in this request only (`core.generation_cache.read_ahead`), exactly as if read a
moment later. Entries the request's view declared (`core.generation_cache.reads_ahead`, e.g. the
stored PDF download's document) come in the same `get_many`. If the session now names another
user (or none), the entries read ahead are not that user's keys and are never used: the user is
read as before.

The remembered ids are only a guess about which keys to read, never trusted for access: the
user still comes from the session, checked by Django's session hash and `accounts.backends`.
`config.caches.session_engine` names this engine whenever the cache is shared; with a
per-process cache sessions stay in the database (`db`) and nothing here runs.
"""

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest

from accounts.session_cache import user_cache_keys
from core.generation_cache import keys_wanted_by, read_ahead, request_scope, wanted_keys
from core.routing import route

# Bounds the memory the guesses take: past it they start again (each costs one round trip).
MAX_REMEMBERED = 10_000
_user_of_session: dict[str, Any] = {}


def _remember(session_key: str | None, user_id: Any) -> None:
    if not session_key or user_id is None:
        return
    if len(_user_of_session) >= MAX_REMEMBERED:
        _user_of_session.clear()
    _user_of_session[session_key] = user_id


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        user_id = _user_of_session.get(self.session_key or "")
        data: dict[str, Any] | None = None
        if user_id is not None:
            keys = [*user_cache_keys(user_id), *wanted_keys()]
            try:
                found = self._cache.get_many([self.cache_key, *keys])  # type: ignore[attr-defined]
            except Exception:  # as cached_db: a cache error reads the database
                found = {}
            data = found.get(self.cache_key)
            if data is not None:
                read_ahead(keys, found)
        if data is None:
            data = super().load()
        _remember(self.session_key, data.get(SESSION_KEY))
        return data


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with each request's read-ahead kept to that request, and the entries its view
    will read (resolved from `path_info`, as Django will route it) asked with the session."""

    def __call__(self, request: HttpRequest) -> Any:  # a response (a coroutine when async)
        with request_scope(keys_wanted_by(route(request))):
            return super().__call__(request)
