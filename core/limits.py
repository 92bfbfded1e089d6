"""What one request or one client may cost, decided before anything reads the request body.

CsrfViewMiddleware reads `request.POST`, and for a multipart body that means spooling every
uploaded file to disk: a 1,5 GB POST to the public /verify/ form was written out before the
form could say "too large" (issue 13, finding 2). `RequestLimitsMiddleware` therefore looks at
the route Django will serve (`path_info`, resolved) and the declared Content-Length first:

- a body larger than the view allows is refused with 413 and never read. Every view allows
  MAX_REQUEST_BODY_BYTES; an upload view declares its own limit with `@limit_body(...)`.
  A request without Content-Length (chunked) has no body for Django: WSGIRequest reads at
  most Content-Length bytes, and none when it is missing.
- a query string with a NUL character is refused with 400 (no page takes one, and filters
  hand query values to PostgreSQL, which refuses NUL with an error); the API validates its own.
- a view marked `@rate_limit(...)` takes that many unsafe requests (POST...) per client
  address (`core.clients.client_ip`) and window, then answers 429 until the window ends.

The counters live in Django's cache: each process's own memory by default, a shared Redis
when one is configured, so with several processes and no shared cache the limit is per process.
django-ratelimit was considered; its system checks refuse the per-process cache and do not
know Django's own Redis backend, and the part needed here is one atomic add-and-increment.
"""

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLResolver, get_resolver

from core.clients import client_ip
from core.routing import namespace, route

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

View = TypeVar("View", bound=Callable[..., Any])


def limit_body(setting: str, *, overhead: int = 64 * 1024) -> Callable[[View], View]:
    """Let the view take a body up to the named setting (+ multipart headers and fields)."""

    def mark(view: View) -> View:
        view.max_body_setting = (setting, overhead)  # type: ignore[attr-defined]
        return view

    return mark


def rate_limit(scope: str, *, setting: str, window_seconds: int) -> Callable[[View], View]:
    """At most the named setting's number of unsafe requests per client and window."""

    def mark(view: View) -> View:
        view.rate_limit = (scope, setting, window_seconds)  # type: ignore[attr-defined]
        return view

    return mark


def within_rate(*, scope: str, key: str, limit: int, window_seconds: int) -> tuple[bool, int]:
    """Count one request; whether it is within the limit, and seconds until the window ends."""
    now = time.time()
    window = int(now // window_seconds)
    cache_key = f"rate:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.add(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    retry_after = int((window + 1) * window_seconds - now) + 1
    return count <= limit, retry_after


def _has_nul(request: HttpRequest) -> bool:
    raw = str(request.META.get("QUERY_STRING", ""))
    if "%00" not in raw and "\x00" not in raw:
        return False  # the common case: no parsing
    return any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists())


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as WSGIRequest: an unreadable length means no body is read


def _max_body(view: Any) -> int:
    declared = getattr(view, "max_body_setting", None)
    if declared is None:
        return int(settings.MAX_REQUEST_BODY_BYTES)
    setting, overhead = declared
    return int(getattr(settings, setting)) + int(overhead)


def largest_body_bytes() -> int:
    """The largest body any view takes: what the proxy in front must let through
    (nginx's `client_max_body_size`, rendered by bin/serve), and no more."""
    views: list[Any] = []

    def collect(patterns: list[Any]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                collect(pattern.url_patterns)
            else:
                views.append(pattern.callback)

    collect(get_resolver().url_patterns)
    return max(_max_body(view) for view in views)


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request) and namespace(request) != "api":
            # No page of ours takes a NUL character. Filters pass query values to the database
            # unread (the admin's lists), and PostgreSQL refuses NUL with an error. The API
            # validates every parameter it reads and answers 422, as its OpenAPI document says.
            return render(request, "400.html", status=400)
        length = _content_length(request)
        unsafe = request.method not in SAFE_METHODS
        if not unsafe and length <= settings.MAX_REQUEST_BODY_BYTES:
            return self.get_response(request)  # the common case: no resolving
        match = route(request)
        view = match.func if match else None
        limit = _max_body(view)
        if length > limit:
            response = render(
                request, "413.html", {"limit_mb": max(limit // (1024 * 1024), 1)}, status=413
            )
            response["Connection"] = "close"  # the unread body is not for the next request
            return response
        if unsafe and (declared := getattr(view, "rate_limit", None)) is not None:
            scope, setting, window_seconds = declared
            allowed, retry_after = within_rate(
                scope=scope,
                key=client_ip(request),
                limit=int(getattr(settings, setting)),
                window_seconds=window_seconds,
            )
            if not allowed:
                response = render(
                    request, "429.html", {"minutes": -(-retry_after // 60)}, status=429
                )
                response["Retry-After"] = str(retry_after)
                return response
        return self.get_response(request)
