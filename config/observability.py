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
