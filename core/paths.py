"""Routes of a view that takes one of several steps, named by the URL (issue 14)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import URLPattern, path


def step_paths(
    route: str, view: Callable[..., Any], steps: Iterable[str], *, name: str = "{}"
) -> list[URLPattern]:
    """One route per step: `route` and `name` with the step's name for `{}`; the view is
    called with it as `action` (its table of steps says what each does)."""
    return [
        path(route.format(step), view, {"action": step}, name=name.format(step)) for step in steps
    ]
