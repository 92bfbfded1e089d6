"""Test overrides: fast password hashing, throwaway document storage, DEBUG off as in production."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("LOG_FORMAT", "text")

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="halland-test-media-")
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

# Tasks run at once, in the request that enqueues them.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
