"""Values read from the database, kept in the shared cache under a *generation* (issue 18).

A value is trusted only while its generation is the current one: a random token kept next to
it and read with it in one `get_many` (one round trip). A change removes the generation (at
once, and again once its transaction commits), so the next read on every server goes to the
database. A read establishes the generation *before* it reads the database, so a read racing
a change is stored under a generation that the change's commit then removes.

With a per-process cache (no Redis: `make run`, the tests) nothing is cached: a change made
through one server could not reach another server's memory. Those setups read the database.

Users: `accounts.session_cache`; the stored PDF download: `agreements.downloads`; the
history's revision: `audit.cache`.

A read can be combined with another one the request makes anyway (`read_ahead`): the session
store reads the session and its user's entry in one `get_many`, so a logged-in request makes
one round trip to the cache instead of two. A view can ask for its own entries to be read in
that same round trip (`reads_ahead`): the stored PDF download reads its document's entry with
the session, and every page cached per revision the history's revision (`audit.cache`). What
was read ahead, or read or loaded since, serves the rest of this request only, and any `forget`
in the request drops it.

One rule for callers: do not read through `cached` inside a transaction after changing what the
entry covers. A rollback runs no callback, so what was read then (uncommitted) would stay
cached until the timeout. Every cached read today is in a GET view outside any transaction
(ATOMIC_REQUESTS is off); a guard in `cached` would also stop the tests, which run each request
inside the test's transaction, from caching anything.
"""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.urls import ResolverMatch

# Entries are dropped by every change; the timeout only bounds what idle entries leave behind.
TIMEOUT_SECONDS = 15 * 60


def released(key: str) -> str:
    """The name under which this release keeps `key`'s value: what the cache holds rendered or
    pickled is never read by another release (`config.caches.release`), which might fail to
    unpickle it or show it with an old template. Generations are not released: a change made
    through a server of one release is seen by the other's at once, as during a rolling
    deploy."""
    return f"{key}@{settings.CACHE_RELEASE}"


def read_by(generation_key: str, key: str) -> list[str]:
    """The names `cached(generation_key, key, …)` reads: for a view's `reads_ahead`, so the
    session store asks for exactly those."""
    return [generation_key, released(key)]


def is_shared() -> bool:
    """Whether the default cache is one that every server reads (config.caches: the rule that
    puts the sessions in it too)."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


# What this request read ahead, by key (None: not in the cache); None outside a request.
_ahead: ContextVar[dict[str, Any] | None] = ContextVar("generation_cache_ahead", default=None)
# The keys the request's view will read (`reads_ahead`), for whoever reads the cache first.
_wanted: ContextVar[tuple[str, ...]] = ContextVar("generation_cache_wanted", default=())

_KEYS_OF_VIEW = "generation_cache_keys"


def reads_ahead[V: Callable[..., Any]](*keys: Callable[..., list[str]]) -> Callable[[V], V]:
    """Declare on a view the entries it reads with `cached` — each `keys(**url_kwargs)` gives
    the names `cached` reads (`read_by`) — so that the session store reads them together with
    the session (one round trip). Only a guess about what to fetch: the view still checks
    access, and an entry read ahead is used only by a `cached` call for the same keys in the
    same request."""

    def declare(view: V) -> V:
        setattr(view, _KEYS_OF_VIEW, keys)
        return view

    return declare


def keys_wanted_by(match: ResolverMatch | None) -> tuple[str, ...]:
    """The entries the resolved view declared with `reads_ahead` (Django's view decorators
    copy the declaration onto their wrappers)."""
    if match is None:
        return ()
    return tuple(
        key for keys in getattr(match.func, _KEYS_OF_VIEW, ()) for key in keys(**match.kwargs)
    )


@contextmanager
def request_scope(wanted: tuple[str, ...] = ()) -> Iterator[None]:
    """Around one request: what it reads ahead is its own and gone when it ends; `wanted` are
    the keys its view will read (`keys_wanted_by`)."""
    token, wanted_token = _ahead.set({}), _wanted.set(wanted)
    try:
        yield
    finally:
        _ahead.reset(token)
        _wanted.reset(wanted_token)


def wanted_keys() -> tuple[str, ...]:
    """The keys this request's view declared it will read: to add to a read made anyway."""
    return _wanted.get()


def read_ahead(keys: list[str], found: dict[str, Any]) -> None:
    """Keep what a `get_many` of the caller's found for `keys` (the generation key and the
    entry of a `cached` call) for that call later in this request."""
    ahead = _ahead.get()
    if ahead is not None:
        ahead.update((key, found.get(key)) for key in keys)


def _read(generation_key: str, key: str) -> dict[str, Any]:
    ahead = _ahead.get()
    if ahead and generation_key in ahead and key in ahead:
        pairs = ((generation_key, ahead[generation_key]), (key, ahead[key]))
        return {name: value for name, value in pairs if value is not None}
    return cache.get_many([generation_key, key])


def _keep(generation_key: str, key: str, generation: str, value: Any) -> None:
    """A value found or loaded serves the rest of the request (until a `forget` in it): a page
    that reads the history's revision for two of its parts asks the cache once."""
    ahead = _ahead.get()
    if ahead is not None:
        ahead[generation_key], ahead[key] = generation, (generation, value)


def _generation(generation_key: str, found: dict[str, Any]) -> str | None:
    """The current generation: the one found, or a new one made now (before the database is
    read). None when another request made one meanwhile and it is gone again."""
    generation = found.get(generation_key)
    if generation is not None:
        return str(generation)
    made = secrets.token_hex(8)
    if cache.add(generation_key, made, TIMEOUT_SECONDS * 2):
        return made
    other = cache.get(generation_key)
    return None if other is None else str(other)


def cached[T](generation_key: str, key: str, load: Callable[[], T | None]) -> T | None:
    """`load()`, from the shared cache while `generation_key` has not been forgotten. None is
    never cached (a missing row is looked up again)."""
    if not is_shared():
        return load()
    key = released(key)
    found = _read(generation_key, key)
    entry = found.get(key)
    generation = _generation(generation_key, found)
    if generation is not None and entry is not None and entry[0] == generation:
        value: T = entry[1]
        _keep(generation_key, key, generation, value)
        return value
    loaded = load()
    if generation is not None and loaded is not None:
        cache.set(key, (generation, loaded), TIMEOUT_SECONDS)
        _keep(generation_key, key, generation, loaded)
    return loaded


class _ForgetAtCommit:
    """The after-commit half of `forget`, recognisable among the transaction's pending
    callbacks."""

    def __init__(self, generation_key: str) -> None:
        self.generation_key = generation_key

    def __call__(self) -> None:
        cache.delete(self.generation_key)

    def __repr__(self) -> str:  # in Django's log line if the delete fails
        return f"forget({self.generation_key!r})"


def _forget_at_commit_pending(generation_key: str) -> bool:
    """Whether the open transaction will already forget `generation_key` when it commits (and
    a rolled-back savepoint has not dropped that): Django's list of what runs at commit, each
    entry (savepoint ids, callback, robust)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    pending = getattr(connection, "run_on_commit", ())
    return any(
        isinstance(entry, tuple)
        and len(entry) == 3
        and isinstance(entry[1], _ForgetAtCommit)
        and entry[1].generation_key == generation_key
        for entry in pending
    )


def forget(generation_key: str) -> None:
    """Make every server read what `generation_key` covers from the database again: now, and
    once the current transaction commits (a request reading in between would otherwise store
    what the database held before the commit). The delete at commit is registered once per
    transaction: a service that records three hundred changes forgets the history's revision
    three hundred times. The delete now is not skipped: a read in the same transaction since
    the last one may have cached what is now out of date."""
    if not is_shared():
        return
    ahead = _ahead.get()
    if ahead:
        ahead.clear()
    cache.delete(generation_key)
    if not _forget_at_commit_pending(generation_key):
        # Robust: the change is committed by then, and a cache that fails to answer must not
        # keep the transaction's other callbacks (a bundle's build, an e-mail) from running;
        # Django logs the error. The delete at the change itself went through, or the change
        # was rolled back with the exception.
        transaction.on_commit(_ForgetAtCommit(generation_key), robust=True)
