"""Test overrides: fast password hashing, throwaway document storage, DEBUG off as in production."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("SITE_URL", "https://grundfinansiering.example.se")
os.environ.setdefault("LOG_FORMAT", "text")
# What the process was started with, read before base loads a developer's .env into the
# environment: the fault-injection tests (tests/faults/) start the app as several processes that
# share one media folder and run the real task queue; a .env must not do that to the suite.
_started_with = {name: os.environ.get(name, "") for name in ("MEDIA_ROOT", "TASKS_BACKEND")}

from config.caches import caches, session_engine  # noqa: E402
from config.settings.base import *  # noqa: E402, F403
from config.settings.base import BASE_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A private folder per process, unless the process was given one to share.
MEDIA_ROOT = _started_with["MEDIA_ROOT"] or tempfile.mkdtemp(prefix="halland-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="halland-test-static-")  # WhiteNoise wants one
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SESSION_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
LANGUAGE_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATICFILES_DIRS = [BASE_DIR / "static"]
# Tests do not run collectstatic; tests/core/test_serving.py checks the production storage.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run at once, in the request that enqueues them, unless the process was given a backend.
TASKS = {
    "default": {
        "BACKEND": _started_with["TASKS_BACKEND"]
        or "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}

# Each test process its own cache, whatever a developer's .env names: tests clear it
# (tests/conftest.py), and must never clear a shared Redis. tests/stack/ runs the shared one.
CACHES = caches("", key_prefix="")
SESSION_ENGINE = session_engine(CACHES)
