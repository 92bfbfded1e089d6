"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Every value can be set from the environment, so one image serves every machine size.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: pages are short and CPU-bound (templates, PDF rendering); two per core plus one
# keeps the cores busy while one worker waits for the database.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
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
# Access log as one JSON object a line on standard output, like the application's own logs.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "remote": "%(h)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, '
    '"user_agent": "%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
