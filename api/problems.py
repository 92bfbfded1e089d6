"""Errors under /api/ as RFC 9457 problem details (`application/problem+json`), never HTML.

The API's own errors (401, 404, 422) are built here by the views and exception handlers;
`ApiProblemMiddleware` turns whatever else answers an error under the API's prefix (an unknown
path, a method the operation does not take, a server error) into the same shape. The prefix
only decides the *format* of an error already decided, never access: access is the token's.
"""

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, HttpResponse

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def problem(status: int, detail: str, **extensions: Any) -> dict[str, Any]:
    """The body of a problem: `type` (about:blank: the status says it all), `title` (the
    status's phrase), `status`, `detail` (what went wrong here, in English), extensions."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extensions,
    }


DEFAULT_DETAIL = {
    404: "No such resource in this API; see /api/v1/openapi.json.",
    405: "This operation does not take that method.",
    500: "The server failed to answer; the error has been logged.",
}


def _body_of(response: HttpResponse) -> dict[str, Any] | None:
    if response.streaming or "json" not in response.get("Content-Type", ""):
        return None
    try:
        body = json.loads(response.content or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(API_PREFIX):
            return response
        body = _body_of(response)
        if body is not None and {"type", "title", "status"} <= body.keys():
            response["Content-Type"] = MEDIA_TYPE  # the API's own problem
            return response
        status = response.status_code
        detail = str(body.get("detail")) if body and isinstance(body.get("detail"), str) else None
        problem_response = HttpResponse(
            json.dumps(
                problem(status, detail or DEFAULT_DETAIL.get(status, HTTPStatus(status).phrase))
            ),
            status=status,
            content_type=MEDIA_TYPE,
        )
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                problem_response[header] = response[header]
        return problem_response
