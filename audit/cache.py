"""Reads cached until the next recorded change (the pattern of the budget overview).

Every change the pages show is made by a service that records it in the history, and recording
moves the revision on (`audit.services.bump_revision`, in the same transaction). A value cached
under the revision read *before* it was computed is therefore never served after a change: the
next request reads a newer revision and computes again. Each app server process keeps its own
copies unless a shared cache is configured; the timeout only bounds memory.
"""

from collections.abc import Callable

from django.core.cache import cache

from audit.models import current_revision

PER_REVISION_SECONDS = 15 * 60


def per_revision[T](key: str, compute: Callable[[], T]) -> T:
    """`compute()`, or its value cached for the current revision under `key`."""
    full_key = f"{key}:rev{current_revision()}"
    found: T | None = cache.get(full_key)
    if found is None:
        found = compute()
        cache.set(full_key, found, PER_REVISION_SECONDS)
    return found
