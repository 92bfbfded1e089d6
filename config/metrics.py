"""/metrics: core.metrics' counters (every worker's, in multiprocess mode) and the figures read
from the database at scrape time, the same whichever app server is asked: tasks waiting for the
worker, notices by status, the worker heartbeat's age."""

import os
from collections.abc import Iterator

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from core.metrics import from_monitoring
from core.readiness import last_heartbeat
from notices.models import Notice, NoticeStatus


class DatabaseFigures(Collector):
    def collect(self) -> Iterator[Metric]:
        queue = GaugeMetricFamily(
            "halland_task_queue_depth", "Tasks ready to run, not yet taken", labels=["queue"]
        )
        ready = DBTaskResult.objects.ready().values_list("queue_name").annotate(n=Count("id"))
        for name, count in ready.order_by():
            queue.add_metric([name], count)
        yield queue
        notices = GaugeMetricFamily("halland_notices", "Notices by status", labels=["status"])
        counts = dict(Notice.objects.values_list("status").annotate(n=Count("id")).order_by())
        for status in NoticeStatus.values:
            notices.add_metric([status], counts.get(status, 0))
        yield notices
        if (finished := last_heartbeat()) is not None:
            age = (timezone.now() - finished).total_seconds()
            yield GaugeMetricFamily(
                "halland_worker_heartbeat_age_seconds",
                "Since the worker last ran its heartbeat",
                age,
            )


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
    else:
        processes = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseFigures())
    return generate_latest(processes) + generate_latest(database)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """For the monitoring network's scraper only: anyone else gets 404 (core.metrics)."""
    if not from_monitoring(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
