"""The cache and the session store, from CACHE_URL or REDIS_URL (config/settings/base.py).

The cache holds the budget overview's figures (keyed by the history's revision, audit.cache), the
rate-limit counters (core.limits) and, when it is shared, the sessions. A URL names a shared one:
redis://host:6379/0 through Django's own RedisCache (keeping one client per connection pool:
core.redis_cache), so every app server counts a client's requests together and renders the
overview once per change. Without one (`make run`), each
process keeps its own: still correct, since a change moves the revision on, but rate limits then
count per process. The key prefix keeps two sites, or a site and a re-created database (whose
revisions start again at 1), apart on one Redis.
"""

import hashlib
import os
from pathlib import Path
from typing import Any

import environ

PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def caches(url: str, *, key_prefix: str) -> dict[str, dict[str, Any]]:
    if not url:
        return {"default": {"BACKEND": PER_PROCESS[0], "OPTIONS": {"MAX_ENTRIES": 1000}}}
    cache: dict[str, Any] = environ.Env.cache_url_config(url)
    cache["KEY_PREFIX"] = key_prefix
    if cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        cache["BACKEND"] = "core.redis_cache.RedisCache"
        # A Redis that stops answering costs a request two seconds, not a worker's timeout.
        cache["OPTIONS"] = {"socket_connect_timeout": 2, "socket_timeout": 2}
    return {"default": cache}


def session_engine(configured: dict[str, dict[str, Any]]) -> str:
    """Sessions read from a shared cache and written through to the database, so a session
    survives a cache flush. Never with a per-process cache: a logout on one server would leave
    the session alive in another's memory."""
    if configured["default"]["BACKEND"] in PER_PROCESS:
        return "django.contrib.sessions.backends.db"
    return "accounts.sessions"  # Django's cached_db, reading the session's user along


# What the code fingerprint reads: the code, its templates and translations, the locked
# dependencies (their models are pickled too). Not what only tests, benchmarks or docs read.
RELEASE_SUFFIXES = (".py", ".html", ".txt", ".mo", ".toml")
NOT_RELEASED = {
    *("var", "staticfiles", "test-artifacts", "node_modules", "__pycache__"),  # written at run time
    *("tests", "bench", "docs"),
}


def release(root: Path, besides: tuple[Path, ...] = ()) -> str:
    """A short fingerprint of the code under `root`, for the keys of what the cache holds
    rendered or pickled (`core.generation_cache.released`): a release that changes a template
    or a model never reads what another release stored, which it might not unpickle (a 500)
    or would serve with the old layout. Every server of one release computes the same one.
    About 30 ms at start-up; CACHE_RELEASE (e.g. the commit) sets it instead. `besides`: folders
    the site writes to (documents, collected static files), wherever they are configured."""
    digest = hashlib.sha256()
    skipped = {path.resolve() for path in besides}
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(
            f
            for f in folders
            if f not in NOT_RELEASED
            and not f.startswith(".")
            and Path(folder, f).resolve() not in skipped
        )
        for name in sorted(files):
            if name.endswith(RELEASE_SUFFIXES):
                path = Path(folder, name)
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
