"""What Django will serve for a request, for middleware that must decide before the view runs.

Decisions about access and limits are taken on the route Django resolves from `path_info`, never
on `request.path` (a client can influence its SCRIPT_NAME prefix; issue 13). Several middlewares
ask; the path is resolved once per request and kept on it.
"""

from django.http import HttpRequest
from django.urls import Resolver404, ResolverMatch, resolve

_KEY = "_routing_match"


def route(request: HttpRequest) -> ResolverMatch | None:
    """The resolved route of `request.path_info`, or None when nothing matches (a 404)."""
    if _KEY not in request.__dict__:
        try:
            request.__dict__[_KEY] = resolve(request.path_info)
        except Resolver404:
            request.__dict__[_KEY] = None
    match: ResolverMatch | None = request.__dict__[_KEY]
    return match


def namespace(request: HttpRequest) -> str:
    """The route's application namespace ("api", "payments", …), or "" for none."""
    match = route(request)
    return match.namespaces[0] if match and match.namespaces else ""
