"""Logs and error reports, for the settings and for gunicorn (config/gunicorn.py).

Every log line, Django's and gunicorn's error and access logs alike, is one JSON object on
standard output or standard error (LOG_FORMAT=json, the default without DEBUG), with the request
id nginx gave the request and the logged-in user's id (core.request_id). Nothing else about the
user is logged: no name, e-mail address or amount.
"""

from copy import deepcopy
from typing import Any

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d"
_FORMATTERS = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": JSON_FIELDS,
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
    "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
}
_FILTERS = {"request_context": {"()": "core.request_id.RequestIdFilter"}}


def _handler(log_format: str, stream: str) -> dict[str, Any]:
    return {
        "class": "logging.StreamHandler",
        "formatter": "json" if log_format == "json" else "text",
        "filters": ["request_context"],
        "stream": f"ext://sys.{stream}",
    }


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """Django's LOGGING: everything through the root logger to standard error."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        # Copies: logging.config takes the factory ("()") out of the dictionaries it is given.
        "formatters": deepcopy(_FORMATTERS),
        "filters": deepcopy(_FILTERS),
        "handlers": {"console": _handler(log_format, "stderr")},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # WeasyPrint logs every rendering step at INFO.
            "weasyprint": {"level": "WARNING"},
            "weasyprint.progress": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }


def gunicorn_logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its error log (the master's and workers' own messages) to
    standard error and its access log to standard output, in the same JSON shape as Django's.
    The access line's fields come from config.gunicorn.JsonLogger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": deepcopy(_FORMATTERS),
        "filters": deepcopy(_FILTERS),
        "handlers": {
            "error": _handler(log_format, "stderr"),
            "access": _handler(log_format, "stdout"),
        },
        "root": {"handlers": ["error"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["error"], "level": level.upper(), "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }


def init_sentry(*, dsn: str, environment: str, release: str, transport: Any = None) -> None:
    """Error reports to a Sentry-compatible service (sentry-sdk; GlitchTip hosted in the EU is
    the expected one, docs/deploy.md). Personal data stays here: sentry-sdk collects no user,
    cookies, bodies, query strings, SQL parameters or frame variables (a frame may hold a
    password or an amount), and core.error_reports.scrub sees every event before it leaves.
    Errors only: no performance tracing."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from core.error_reports import KEPT_HEADERS, scrub

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        # sentry-sdk's send_default_pii=False, in the form that supersedes it.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        before_send=scrub,  # type: ignore[arg-type]
        traces_sample_rate=None,
        transport=transport,
    )
