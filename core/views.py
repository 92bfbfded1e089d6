from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.readiness import readiness


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
