"""What an error report may carry to the error service (Sentry's protocol; GlitchTip in the EU).

sentry-sdk runs with `send_default_pii=False`, no local variables and no request bodies
(config.observability.init_sentry); `scrub` is its `before_send` and removes what is left that
could identify a person or reveal a grant: the user but for the id, cookies, every request
header not on a short list (Authorization, Cookie and the CSRF token go), the query string, the
client's address, e-mail addresses and amounts in any text (exception messages, log messages,
breadcrumbs). It adds the request id nginx gave the request, so the report leads to its log lines.
"""

import re
from typing import Any

from core.request_id import current_request_id, current_user_id

# Headers that say what was asked for and by which software, never who asked.
KEPT_HEADERS = frozenset({"host", "user-agent", "accept", "accept-language", "content-type"})
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Sums as the application writes them ("11 900 000 kr", "12 500,50 SEK").
_AMOUNT = re.compile(r"\d[\d \u00a0\u202f.]*(?:,\d+)?\s*(?:kr|kronor|SEK)\b", re.IGNORECASE)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _AMOUNT.sub("[belopp]", _EMAIL.sub("[e-post]", value))
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _request(request: dict[str, Any]) -> dict[str, Any]:
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        "url": str(request.get("url", "")).split("?", 1)[0],
        "headers": {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS},
    }


def scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """sentry-sdk's `before_send`: the event as it may leave the server."""
    if "request" in event:
        event["request"] = _request(event["request"])
    user_id = current_user_id()
    event["user"] = {"id": str(user_id)} if user_id is not None else {}
    if request_id := current_request_id():
        event.setdefault("tags", {})["request_id"] = request_id
    for key in ("exception", "logentry", "message", "threads", "extra"):
        if key in event:
            event[key] = _clean(event[key])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        # A breadcrumb's data can hold an SQL query's parameters: only its message is kept.
        breadcrumbs["values"] = [
            {k: _clean(v) for k, v in crumb.items() if k != "data"}
            for crumb in breadcrumbs.get("values", [])
        ]
    return event
