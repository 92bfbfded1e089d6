"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be set from the environment, so one image serves every machine size.
"""

import math
import os
from pathlib import Path
from typing import Any

from gunicorn import glogging

from config.observability import gunicorn_logging_config


def available_cpus(cgroup: Path = Path("/sys/fs/cgroup")) -> float:
    """The CPUs this process may use: its cgroup's quota (a container's `--cpus`, systemd's
    CPUQuota=) when it has one, else the cores it may run on. Not the host's core count: a
    container limited to 2 CPUs on a 64-core host would otherwise start 129 workers."""
    cores = float(len(os.sched_getaffinity(0)))
    try:  # cgroup v2: "<quota> <period>" or "max <period>"
        quota, period = (cgroup / "cpu.max").read_text().split()
    except (OSError, ValueError):
        try:  # cgroup v1: quota -1 means none
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return cores
    if quota in ("max", "-1"):
        return cores
    try:
        return min(cores, int(quota) / int(period))
    except (ValueError, ZeroDivisionError):
        return cores


def default_workers(cpus: float) -> int:
    return 2 * max(1, math.ceil(cpus)) + 1


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: pages are short and CPU-bound (templates, PDF rendering); two per CPU plus one
# keeps the CPUs busy while one worker waits for the database.
workers = int(os.environ.get("WEB_CONCURRENCY", default_workers(available_cpus())))
worker_class = "sync"
# Rendering and sealing a PDF takes well under a second; a minute means something is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# WeasyPrint's caches grow slowly with each document: recycle workers now and then.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The load balancer in front terminates TLS and says so in X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# ... and nothing else from it. gunicorn would otherwise take SCRIPT_NAME and PATH_INFO from
# request headers sent by those addresses, and so from any client whose proxy passes them on:
# a SCRIPT_NAME header once made a protected page look like an open one (issue 13). The app
# is served at the root; the client's address comes from X-Forwarded-For (core.clients).
forwarder_headers = ""
# Both logs as one JSON object a line, in the shape of the application's own (LOG_FORMAT, as
# Django reads it): the error log (boot, worker timeouts and crashes) on standard error, the
# access log on standard output, each line with the request id and the user id.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
logconfig_dict = gunicorn_logging_config(
    log_format=os.environ.get("LOG_FORMAT", "json"), level=loglevel
)


class JsonLogger(glogging.Logger):  # type: ignore[misc]  # gunicorn is untyped
    """gunicorn's logger, its access line written as fields rather than through a format
    string: a quote in a user agent or path cannot break the JSON. The query string is left
    out (it may carry a token); the request id and the user id come from the request's context
    (core.request_id), still set here: gunicorn logs before it closes the response."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if self.cfg.accesslog is None:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        self.access_log.info(
            "request",
            extra={
                "remote": environ.get("REMOTE_ADDR", ""),
                "method": environ.get("REQUEST_METHOD", ""),
                "path": environ.get("PATH_INFO", ""),
                "status": int(status),
                "bytes": getattr(resp, "sent", None),
                "duration_us": request_time.seconds * 1_000_000 + request_time.microseconds,
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
            },
        )


logger_class = JsonLogger


# Metrics (core.metrics): with PROMETHEUS_MULTIPROC_DIR set, one per app server, each worker
# counts in its own files there and a scrape adds them up. The files of a previous run would be
# added too, so the master empties the folder when it starts; a dead worker's gauges are dropped.
def on_starting(server: Any) -> None:
    if directory := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
