"""The request id the proxy gave a request, on every log line written while it is handled.

nginx sets `X-Request-ID` to its own `$request_id` (deploy/nginx/halland.conf.template),
overwriting whatever a client sent, and writes it to its access log; gunicorn's access log
carries the same header (config/gunicorn.py). This middleware keeps it for the application's own
log lines (`RequestIdFilter`, installed on the console handler), so one id finds a request in
every log. Only a plain token is taken: a header is the client's text until a proxy replaced it.

`LoggedInUserMiddleware`, after authentication, keeps the logged-in user's id the same way: the
id only, never a name or an e-mail address, so a log line can be traced to an account by those
who may look it up and says nothing about the person to anyone else.
"""

import logging
import re
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

_PLAIN = re.compile(r"[A-Za-z0-9._-]{1,128}")
_current: ContextVar[str] = ContextVar("request_id", default="")
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


def current_request_id() -> str:
    return _current.get()


def current_user_id() -> int | None:
    return _user_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = str(request.META.get("HTTP_X_REQUEST_ID", ""))
        # Kept until the response is closed, not only while the middleware runs: Django logs
        # a 4xx or 5xx ("Not Found: …", the traceback) after the middleware has returned.
        _current.set(header if _PLAIN.fullmatch(header) else "")
        return self.get_response(request)


class LoggedInUserMiddleware:
    """After AuthenticationMiddleware (and django-otp's, which has already loaded the user, so
    this costs no query): the id of the user the session belongs to, for the log lines."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        _user_id.set(user.pk if user is not None and user.is_authenticated else None)
        return self.get_response(request)


def _forget(**kwargs: object) -> None:
    _current.set("")
    _user_id.set(None)


request_finished.connect(_forget, dispatch_uid="core.request_id.forget")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` and `user_id` to each record (the JSON formatter writes every extra
    field); `user_id` is null outside a request and for anonymous visitors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        if not hasattr(record, "user_id"):
            record.user_id = _user_id.get()
        return True
