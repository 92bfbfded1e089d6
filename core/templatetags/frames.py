"""`{% frame %}`: a part of every page rendered once, then served from the cache (issue 18).

The page's frame — the header with the user's name and the menu, the footer with the language
form — is the same on every request for the same user, roles, language and page, yet its
template took a third of a cached page's time (docs/performance.md). Inside the tag the CSRF
token and any named value are slots, filled per response, so one cached copy serves every
request whose key values match:

    {% frame "site-footer" LANGUAGE_CODE next=request.get_full_path %}
      … {% csrf_token %} … value="{{ next }}" …
    {% endframe %}

The key holds the fragment's name and the positional values (hashed, as Django's `{% cache %}`
does); a named value is HTML-escaped when its slot is filled, exactly as `{{ }}` would have
escaped it. Whatever decides what the fragment shows must be in the key: a name that changes
shows at once because the name is in it. No key value may follow what a client chooses freely,
or every new path would be a new entry in the shared cache: the page goes into the key as its
URL pattern (`request|page_pattern`), and a fragment whose key holds `NOT_CACHED` (a path that
resolves to no page) is rendered without the cache.

As the key holds all a fragment depends on, a copy never goes stale: each process keeps the
ones it served last in its own memory as well (`LOCAL_ENTRIES`), so a page's header and footer
cost no round trip to the shared cache, which a new process still finds them in.
"""

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import template
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core.generation_cache import released
from core.routing import route
from core.views import CSRF_SLOT, with_csrf_token

register = template.Library()

FRAME_SECONDS = 60 * 60
NOT_CACHED = object()


# The fragments this process served last, by key, the oldest first.
LOCAL_ENTRIES = 512
_local: OrderedDict[str, str] = OrderedDict()
_local_lock = Lock()


def _kept(key: str) -> str | None:
    """The fragment, from this process's memory or else the shared cache."""
    with _local_lock:
        html = _local.get(key)
        if html is not None:
            _local.move_to_end(key)
            return html
    found: str | None = cache.get(key)
    if found is not None:
        _keep(key, found)
    return found


def forget_kept() -> None:
    """Empty this process's memory of frames, as a restart does (the tests, between tests)."""
    with _local_lock:
        _local.clear()


def _keep(key: str, html: str) -> None:
    with _local_lock:
        _local[key] = html
        if len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def _slot(name: str) -> str:
    return f"frame-slot-{name}-5b2e"


class FrameNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        name: str,
        vary_on: list[FilterExpression],
        slots: dict[str, FilterExpression],
    ) -> None:
        self.nodelist, self.name, self.vary_on, self.slots = nodelist, name, vary_on, slots

    def render(self, context: template.Context) -> SafeString:
        values = [v.resolve(context) for v in self.vary_on]
        cached = all(value is not NOT_CACHED for value in values)
        key = released(make_template_fragment_key(self.name, values)) if cached else ""
        html = _kept(key) if cached else None
        if html is None:
            placeholders = {name: _slot(name) for name in self.slots}
            with context.push(csrf_token=CSRF_SLOT, **placeholders):
                html = self.nodelist.render(context)
            if cached:
                cache.set(key, html, FRAME_SECONDS)
                _keep(key, html)
        for name, value in self.slots.items():
            html = html.replace(_slot(name), str(conditional_escape(value.resolve(context))))
        request: Any = context.get("request")
        return with_csrf_token(html, request) if request is not None else mark_safe(html)  # noqa: S308 - our templates'


@register.filter
def page_pattern(request: Any) -> object:
    """The URL pattern Django routes the request to (`agreements/<reference:reference>/`): what
    a menu that marks the current section depends on, from a bounded set. Every path of one
    pattern contains the same fixed parts, as no parameter but `<path:…>` takes a slash; a
    path that resolves to nothing, or through a `<path:…>`, is `NOT_CACHED`."""
    match = route(request) if request is not None else None
    if match is None or "<path:" in match.route:
        return NOT_CACHED
    return match.route


@register.filter
def starts_with(path: str, prefix: str) -> bool:
    """Whether `path` lies under `prefix`, for the menu's current section. Within one URL
    pattern (the header's key) the answer is the same for every path, as the sections' prefixes
    are the patterns' fixed first parts."""
    return str(path).startswith(str(prefix))


@register.tag
def frame(parser: Parser, token: Token) -> FrameNode:
    """`{% frame "name" key values… slot=value… %}…{% endframe %}`"""
    bits = token.split_contents()[1:]
    if not bits or bits[0][0] not in "\"'":
        raise template.TemplateSyntaxError("{% frame %} takes a quoted name first.")
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[1:] if "=" not in bit]
    slots = {
        name: parser.compile_filter(value)
        for name, value in (bit.split("=", 1) for bit in bits[1:] if "=" in bit)
    }
    return FrameNode(nodelist, bits[0][1:-1], vary_on, slots)
