"""Metrics for the monitoring network's scraper (Prometheus text format, prometheus-client):
requests by route and status, their latency, and how long sealing a document takes. The
figures read from the database at scrape time (task queue, notices) are config.metrics'.

Routes are the URL names Django resolved (`agreements:detail`), never the path: a path holds
references and would make a series per agreement. With several gunicorn workers each process
counts for itself in files under PROMETHEUS_MULTIPROC_DIR (set per app server, emptied when it
starts: config/gunicorn.py), and a scrape adds them up; without it (runserver, tests) the
process's own figures are served.
"""

import ipaddress
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter, Histogram

from core.clients import _trusted_networks
from core.routing import route

REQUESTS = Counter(
    "halland_http_requests",
    "Requests answered, by route, method and status",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "halland_http_request_duration_seconds",
    "Time from the first middleware to the response, by route",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SEAL_SECONDS = Histogram(
    "halland_seal_duration_seconds",
    "Sealing one PDF (PAdES) and storing it",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = route(request)
        name = match.view_name if match else "unresolved"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(name, method, str(response.status_code)).inc()
        LATENCY.labels(name).observe(time.perf_counter() - started)
        return response


def from_monitoring(request: HttpRequest) -> bool:
    """Whether the direct peer is in METRICS_ALLOWED_IPS. REMOTE_ADDR, never X-Forwarded-For:
    the metrics are read from each app server directly, not through the proxy (which answers
    /metrics with 404 whoever asks, deploy/nginx/)."""
    try:
        peer = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    return any(peer in net for net in _trusted_networks(tuple(settings.METRICS_ALLOWED_IPS)))
