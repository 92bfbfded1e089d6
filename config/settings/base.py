"""Settings for every environment, read from the process environment.

Safe by default: DEBUG is off unless set, there is no secret in the repository, and the only
default database is a local SQLite file for the demo. Every variable is listed in `.env.example`.
A `.env` file in the project root, when present, is read first (`make run` writes one for the
demo with a random secret key).
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from config.caches import caches, release, session_engine
from config.observability import init_sentry, logging_config
from config.security import CONTENT_SECURITY_POLICY, PASSWORD_VALIDATORS

# Lets admin classes and other generics be subscripted at run time (ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER (TemplatesSetting)
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Recovery codes: single-use codes for when the authenticator app is lost (twofactor).
    "django_otp.plugins.otp_static",
    "axes",
    # Ours, in dependency order: each app may use the ones above it, never below.
    "core",
    "accounts",
    "audit",
    "twofactor",
    "notices",
    "invitations",
    "partners",
    "funding",
    "agreements",
    "archive",
    "exports",
    "api",
    "demo",
]

MIDDLEWARE = [
    # Requests by route and status, and their latency, for the scraper (core.metrics).
    "core.metrics.RequestMetricsMiddleware",
    # So every log line written for a request carries the proxy's request id.
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the app servers, compressed and with hashed names, so no
    # separate file server is needed; security headers still apply (it comes after them).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every error under /api/ as application/problem+json, whichever layer answered it.
    "api.problems.ApiProblemMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Django's, keeping what the session store reads ahead to its request (accounts.sessions).
    "accounts.sessions.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, with the verified device from the shared cache (accounts.session_cache).
    "accounts.session_cache.CachedOTPMiddleware",
    # The user's id (never a name) on the request's log lines and error reports.
    "core.request_id.LoggedInUserMiddleware",
    "accounts.two_factor.RequireTwoFactorMiddleware",
    # Before any view reads the body (CsrfViewMiddleware reads request.POST in process_view):
    # too large a body is refused unread, rate-limited forms count per client (core.limits).
    "core.limits.RequestLimitsMiddleware",
    "api.middleware.ApiHeadMiddleware",
    "api.middleware.ApiConditionalGetMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.two_factor.second_step_context",
            ],
            "builtins": ["core.templatetags.money"],
        },
    },
]

FORM_RENDERER = "core.forms.DesignSystemRenderer"  # fields in the design system's markup
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's SQLite under concurrent writes behaves like PostgreSQL: a transaction takes the
    # write lock when it begins (IMMEDIATE) and another waits for it (timeout, seconds), so the
    # second of two saves reads the first one's result and gets the conflict message. With
    # SQLite's default (deferred) it read first and then failed with "database is locked", a 500
    # (issue 13, finding 7). WAL lets pages read while a save writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before each request reuses it, so an app server whose idle
# connection died with a database restart reconnects instead of failing one request
# (tests/faults/test_postgres_faults.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DATABASE_POOLER=pgbouncer: DATABASE_URL is PgBouncer in transaction mode, which lends each
# transaction any server connection; a server-side cursor (`.iterator()`) would be looked for in
# another one, so Django fetches client-side instead (docs/deploy.md, "PgBouncer").
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured(f"DATABASE_POOLER={DATABASE_POOLER!r}: only 'pgbouncer' is known")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "pgbouncer"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses logins while a username/IP pair is locked out (login throttling, ASVS V6).
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",  # ModelBackend + the partner membership in one query
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Lockouts and rate limits count by the client's address as our proxy saw it (core.clients):
# behind a load balancer, TRUSTED_PROXY_COUNT is the number of proxies in front of the app and
# TRUSTED_PROXY_IPS the addresses (or networks) they connect from; X-Forwarded-For counts only
# on requests from those. 0 (the default) ignores the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=["127.0.0.1", "::1"])
AXES_CLIENT_IP_CALLABLE = "core.clients.client_ip"
# Officials, secretaries and administrators give a TOTP code after their password.
OTP_REQUIRED_FOR_STAFF = env.bool("OTP_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = "Region Halland grundfinansiering"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = PASSWORD_VALIDATORS

# Swedish first, whatever the browser asks for; English when the user chooses it
# (core.middleware.ChosenLanguageMiddleware).
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "media/"

# Stored documents (sealed PDFs) go through Django's storage API, so shared storage is a setting.
# Several app servers need one shared store: set DOCUMENT_STORAGE_BACKEND to an S3-compatible
# backend (django-storages' "storages.backends.s3.S3Storage") and its OPTIONS as JSON in
# DOCUMENT_STORAGE_OPTIONS (docs/deploy.md).
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "DOCUMENT_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("DOCUMENT_STORAGE_OPTIONS", default={}),
    },
    # `collectstatic` writes each file under a content-hashed name with gzip and Brotli
    # copies; WhiteNoise serves them with a year-long cache (the name changes with the file).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind nginx, nginx sends a stored document from MEDIA_ROOT after the app checked access:
# its `internal` location, "/_documents/" (deploy/nginx/). Empty: the app servers send them.
DOCUMENT_ACCEL_REDIRECT = env.str("DOCUMENT_ACCEL_REDIRECT", default="")

# Security headers (OWASP ASVS 5.0 level 2, V3); the strict CSP is in config.security.
SECURE_CSP = CONTENT_SECURITY_POLICY
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and platforms probe over plain HTTP inside the network; a redirect would read
# as "down" (issue 13). The health check carries nothing worth protecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (set USE_X_FORWARDED_PROTO=on).
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The registration number (diarienummer) format of the deciding body: Region Halland writes
# "RS" and six digits. Another region sets its own pattern here.
DECISION_REGISTRATION_NUMBER_PATTERN = env.str(
    "DECISION_REGISTRATION_NUMBER_PATTERN", default=r"^RS\d{6}$"
)

# Shared when CACHE_URL or REDIS_URL (redis://host:6379/0) names one, with the sessions in it.
CACHES = caches(
    env.str("CACHE_URL", default="") or env.str("REDIS_URL", default=""),
    key_prefix=env.str("CACHE_KEY_PREFIX", default="halland"),
)
SESSION_ENGINE = session_engine(CACHES)
# In the keys of what the cache holds rendered or pickled, never of what every release shares
# (the generations, which changes forget, the sessions, the rate limits): see
# config.caches.release and core.generation_cache.released.
CACHE_RELEASE = env.str("CACHE_RELEASE", default="") or release(
    BASE_DIR, besides=(Path(MEDIA_ROOT), Path(STATIC_ROOT))
)

# Background work (archive bundles) on Django's tasks framework, queued in the database and
# run by `python manage.py db_worker`; /readyz reports the worker stale when its heartbeat
# (queued by run_periodic each round) last ran longer ago than this (core.readiness).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=15 * 60)
# Addresses or networks of the monitoring scraper, the direct peer (never X-Forwarded-For);
# /metrics is 404 for everyone else, and for all when empty (core.metrics).
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])

# The region as a party to agreements and as the issuer of sealed documents.
REGION_NAME = env.str("REGION_NAME", default="Region Halland")
REGION_ORGANISATION_NUMBER = env.str("REGION_ORGANISATION_NUMBER", default="232100-0115")
REGION_WEBSITE = env.str("REGION_WEBSITE", default="https://www.regionhalland.se")
# Open data in the 360Giving standard: grant identifiers start with the publisher's prefix,
# which 360Giving assigns on registration; and the licence the data is published under.
OPEN_DATA_360G_PREFIX = env.str("OPEN_DATA_360G_PREFIX", default="360G-regionhalland")
OPEN_DATA_LICENSE = env.str(
    "OPEN_DATA_LICENSE", default="https://creativecommons.org/publicdomain/zero/1.0/"
)
# Public address of this service, printed in sealed documents (so readers can verify them) and
# in e-mail links. Required with DEBUG off, like SECRET_KEY: no development address in a seal.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL:
    raise ImproperlyConfigured("Set SITE_URL, the public https address (issue 19).")

# E-mail (notices, reminders, invitations, password reset: the notices app), through Django's
# MAILERS. EMAIL_URL as django-environ reads it: smtp://user:password@host:587, with STARTTLS
# smtp+tls://…, with implicit TLS smtp+ssl://…. Every e-mail is sent by the task worker, never in
# a request. With DEBUG on and no EMAIL_URL (`make run`), e-mail is written as files to var/mail/
# for a person to read instead of being sent.
if DEBUG and not env.str("EMAIL_URL", default=""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {
                "file_path": str(env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail"))
            },
        }
    }
else:
    _email = env.email_url("EMAIL_URL", default="smtp://localhost:25")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email["EMAIL_HOST"],
                "port": _email["EMAIL_PORT"],
                "username": _email["EMAIL_HOST_USER"] or None,
                "password": _email["EMAIL_HOST_PASSWORD"] or None,
                "use_tls": _email.get("EMAIL_USE_TLS", False),
                "use_ssl": _email.get("EMAIL_USE_SSL", False),
                "timeout": env.int("EMAIL_TIMEOUT", default=10),
            }
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {},
        }
    }
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Region Halland grundfinansiering <noreply@regionhalland.se>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where a reply goes (the department's shared mailbox); empty: no Reply-To header.
NOTICE_REPLY_TO = env.list("NOTICE_REPLY_TO", default=[])
# The right-hand side of every notice's Message-ID, the same on every attempt.
NOTICE_MESSAGE_ID_DOMAIN = env.str("NOTICE_MESSAGE_ID_DOMAIN", default="grundfinansiering.invalid")
# A notice the mail server did not take is tried again after 1, 2, 4 … minutes, at most this
# long apart, and given up (status failed, shown to staff) after this many attempts.
NOTICE_MAX_ATTEMPTS = env.int("NOTICE_MAX_ATTEMPTS", default=12)
NOTICE_MAX_RETRY_SECONDS = env.int("NOTICE_MAX_RETRY_SECONDS", default=6 * 60 * 60)
# Invitation and password-reset links stop working after this many seconds, or once used.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)
# Requests for a password-reset e-mail per client address and 15 minutes (core.limits), and
# reset e-mails one address may receive per hour (invitations.services).
PASSWORD_RESET_RATE_LIMIT = env.int("PASSWORD_RESET_RATE_LIMIT", default=5)
PASSWORD_RESET_ADDRESS_RATE_LIMIT = env.int("PASSWORD_RESET_ADDRESS_RATE_LIMIT", default=3)

# Sealing signed agreements (PAdES): the region's certificate and key as PKCS#12, from the
# environment only. `manage.py create_dev_seal_certificate` makes a self-signed one locally.
SEAL_PKCS12_PATH = env.str("SEAL_PKCS12_PATH", default="")
SEAL_PKCS12_PASSPHRASE = env.str("SEAL_PKCS12_PASSPHRASE", default="")
# Certificates (PEM or DER files) a seal must chain to; default: those in the PKCS#12 file.
SEAL_TRUST_ROOTS = env.list("SEAL_TRUST_ROOTS", default=[])
# A timestamp authority (RFC 3161) to add PAdES B-T timestamps; empty means none.
SEAL_TSA_URL = env.str("SEAL_TSA_URL", default="")
# Benchmarks only (`make bench`): adds /bench/floor/, the minimal view pages are compared with.
BENCH_FLOOR_ENDPOINT = env.bool("BENCH_FLOOR_ENDPOINT", default=False)
# An official may release (attest) an instalment due within this many days, or past due.
PAYMENT_RELEASE_WINDOW_DAYS = env.int("PAYMENT_RELEASE_WINDOW_DAYS", default=30)
# Largest PDF accepted by the public verification page.
VERIFY_MAX_UPLOAD_BYTES = env.int("VERIFY_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# A report attachment (PDF, Word, Excel): refused above this, before the body is read.
REPORT_ATTACHMENT_MAX_BYTES = env.int("REPORT_ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
REPORT_MAX_ATTACHMENTS = env.int("REPORT_MAX_ATTACHMENTS", default=20)
# CPU seconds the verification may spend on one upload (core.sealing.check_seal_within).
VERIFY_CHECK_SECONDS = env.float("VERIFY_CHECK_SECONDS", default=5.0)
# Uploads to the public verification page per client address and 10 minutes (core.limits).
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=30)
# Any other request body larger than this is refused unread with 413 (core.limits); Django's
# own limit on form fields read into memory is the same.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# Backups (`manage.py backup`) hold password hashes and TOTP secrets, so they are always
# encrypted with age to these X25519 public keys (age1…, comma-separated, e.g. IT's and the
# archive's); `backup` refuses to run without one. Only the machine that restores holds a
# private key: an age identity file (AGE-SECRET-KEY-1… lines), here or `restore --identity`.
# `manage.py create_backup_key` makes a key pair (docs/deploy.md, "Backup and restore").
BACKUP_RECIPIENTS = env.list("BACKUP_RECIPIENTS", default=[])
BACKUP_IDENTITY_FILE = env.str("BACKUP_IDENTITY_FILE", default="")

# Logs go to standard error, one JSON object a line in production (LOG_FORMAT=json) for the
# log collector, with the request id and user id (config/observability.py); plain text for a
# developer's terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
# Errors to a Sentry-compatible service (GlitchTip) when SENTRY_DSN is set, personal data
# scrubbed (core.error_reports); the environment and release name the deployment.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )
