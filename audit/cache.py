"""Reads cached until the next recorded change (the pattern of the budget overview).

Every change the pages show is made by a service that records it in the history, and recording
moves the revision on (`audit.services.bump_revision`, in the same transaction). A value cached
under the revision read *before* it was computed is therefore never served after a change: the
next request reads a newer revision and computes again. Each app server process keeps its own
copies unless a shared cache is configured; the timeout only bounds memory.

With a shared cache the revision itself is kept there too, under a generation that every
recorded change forgets (`core.generation_cache`: at the change and again once it commits), and
a view that shows cached pages declares it (`@reads_ahead(revision_keys)`) so that it comes with
the session in one round trip: a cached page then asks the database nothing (issue 18). With a
per-process cache it is read from the database on every request.
"""

from collections.abc import Callable

from django.core.cache import cache

from audit.models import current_revision
from core.generation_cache import cached, forget, read_by, released

PER_REVISION_SECONDS = 15 * 60

REVISION_GENERATION = "audit:revision:generation"
REVISION_KEY = "audit:revision"


def revision() -> int:
    """The number of the latest committed change: `current_revision`, through the shared cache."""
    return cached(REVISION_GENERATION, REVISION_KEY, current_revision) or 0


def revision_keys(**url_kwargs: object) -> list[str]:
    """For `@reads_ahead(revision_keys)` on a view that serves pages cached per revision: the
    session store fetches the revision with the session."""
    return read_by(REVISION_GENERATION, REVISION_KEY)


def forget_revision() -> None:
    """Called with every recorded change, in its transaction."""
    forget(REVISION_GENERATION)


def per_revision[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()`, or its value cached for the current revision under `key`. None is never
    cached (what is not there, such as an unknown slug, fills no entry)."""
    full_key = released(f"{key}:rev{revision()}")
    found: T | None = cache.get(full_key)
    if found is None:
        found = compute()
        if found is not None:
            cache.set(full_key, found, PER_REVISION_SECONDS)
    return found
