"""HEAD and conditional GET for the JSON API.

HEAD: the same answer as GET, without the body (RFC 9110 §9.3.2).

django-ninja routes only the methods an operation declares, so HEAD was a 405 (issue 13), and
declaring HEAD on each operation would give the OpenAPI document a duplicate of every operation.
As Django's class-based views do (`head = get`), the API answers HEAD as it answers GET; the body
is dropped here, whatever server is in front, and Content-Length says what GET would send.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware

from core.routing import namespace


class ApiHeadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or namespace(request) != "api":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETags on the API's answers, and 304 Not Modified for a client that already has the
    answer (If-None-Match): incremental sync without re-downloading what did not change.
    Django's own middleware, limited to the API (pages carry a fresh CSRF token each time)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if namespace(request) != "api" or response.status_code != 200:
            return response
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"  # revalidate, never share
        return super().process_response(request, response)
