"""HEAD for the JSON API: the same answer as GET, without the body (RFC 9110 §9.3.2).

django-ninja routes only the methods an operation declares, so HEAD was a 405 (issue 13), and
declaring HEAD on each operation would give the OpenAPI document a duplicate of every operation.
As Django's class-based views do (`head = get`), the API answers HEAD as it answers GET; the body
is dropped here, whatever server is in front, and Content-Length says what GET would send.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
