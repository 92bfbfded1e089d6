"""The site's own pages (health, robots, errors), and the two steps every app's views take
after a service: say it was done, or show why the rules refused it."""

import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import redis
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from core.forms import add_service_errors
from core.readiness import readiness

# Stands for the CSRF token in HTML rendered once for many requests (pages cached per recorded
# change): render with {"csrf_token": CSRF_SLOT}, serve through `with_csrf_token`.
CSRF_SLOT = "csrf-token-slot-0d5e"


def response_csrf_token(request: HttpRequest) -> str:
    """This response's CSRF token, masked once. Django's `get_token` masks the secret anew on
    each call (≈ 80 µs), and a cached page fills three or four parts; the forms of one page
    share one token, as they do when a template renders `{% csrf_token %}` itself (the
    context processor evaluates it once). A rotated secret (a login) gets a new token."""
    memo: tuple[str, str] | None = getattr(request, "_response_csrf_token", None)
    if memo is not None and memo[0] == request.META.get("CSRF_COOKIE"):
        return memo[1]
    token = get_token(request)
    request._response_csrf_token = (request.META["CSRF_COOKIE"], token)  # type: ignore[attr-defined]
    return token


def with_csrf_token(html: str, request: HttpRequest) -> SafeString:
    """Cached HTML of our templates with this response's own CSRF token in its forms."""
    if CSRF_SLOT not in html:
        return mark_safe(html)  # noqa: S308 - our templates'
    return mark_safe(html.replace(CSRF_SLOT, response_csrf_token(request)))  # noqa: S308 - our templates'


def run_service(
    request: HttpRequest,
    call: Callable[[], object],
    *,
    done: str | None = None,
    form: forms.BaseForm | None = None,
) -> bool:
    """Call a service (a step, or the check before one); True when it went through, and the
    user is told `done`, if given. False when its rules refused (ValidationError): the reason
    goes on `form`, on the field it names (add_service_errors), or, for a one-button step
    without a form, into the messages."""
    try:
        call()
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
        else:
            add_service_errors(form, error)
        return False
    if done is not None:
        messages.success(request, done)
    return True


def submitted(
    request: HttpRequest, form: forms.BaseForm, service: Callable[..., object], *, done: str
) -> bool:
    """A posted, valid form whose fields are the service's arguments, and the service did the
    work (run_service). False means the page is shown again: unposted, with the form's own
    errors, or with the service's refusal on it."""
    if request.method != "POST" or not form.is_valid():
        return False
    return run_service(request, lambda: service(**form.cleaned_data), done=done, form=form)


def created[T](request: HttpRequest, form: forms.BaseForm, service: Callable[..., T]) -> T | None:
    """What the service made from a posted, valid form whose fields are its arguments, for a
    page that goes on to it. None means the page is shown again: unposted, with the form's own
    errors, or with the service's refusal on it (add_service_errors)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(**form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Nothing outside it is asked, so a database outage does
    not make a platform restart every app server (that is readiness' business: /readyz)."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness, for the proxy and the platform: 503 when the database, the cache or document
    storage fails; the task worker's heartbeat is reported, never decisive (core.readiness)."""
    ready, report = readiness()
    return JsonResponse(report, status=200 if ready else 503)


@require_GET
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmarks' floor: the whole middleware stack (session, user, second factor, CSP)
    and nothing else. Mounted only with BENCH_FLOOR_ENDPOINT on."""
    return HttpResponse(b"ok", content_type="text/plain")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


# Search engines may index the public pages that exist to be found (checking a document, the
# open data); everything else is behind a login or of no use in a search result (issue 19).
ROBOTS_TXT = "User-agent: *\nAllow: /verify/\nAllow: /open-data/\nDisallow: /\n"


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


@cache
def _favicon() -> bytes:
    return (Path(settings.BASE_DIR) / "static" / "favicon.ico").read_bytes()


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site whatever the page says; answering it
    spares a 404 (and, half logged in, a redirect to the second step) per visit."""
    return HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")


# Seconds a client is told to wait when the database is out of reach: PostgreSQL or PgBouncer
# restarting is back in about that time (tests/stack/test_resilience.py).
DATABASE_RETRY_AFTER_SECONDS = 5


# The database, or the shared cache (Redis, which holds the sessions), out of reach.
OUT_OF_REACH = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. The database or Redis out of reach (PgBouncer, PostgreSQL or Redis
    restarting, a lost connection) is not the application's error: 503 with Retry-After, a page
    saying to try again shortly, at once rather than a hang. Django calls this inside its
    `except` block, so the exception is the one being handled, wherever it was raised (a view or
    a middleware)."""
    if isinstance(sys.exc_info()[1], OUT_OF_REACH):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
