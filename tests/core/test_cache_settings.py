"""Which cache and session store the settings choose (config/settings/base.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SHOW = (
    "import json; from django.conf import settings; print(json.dumps({"
    "'cache': settings.CACHES['default'], 'session': settings.SESSION_ENGINE,"
    "'cursors': settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False)}))"
)


def _settings(**environ: str) -> dict[str, object]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CACHE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "DATABASE_POOLER")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", SECRET_KEY="x", **environ)
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", _SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_without_a_cache_url_each_process_has_its_own_and_sessions_stay_in_the_database() -> None:
    chosen = _settings()
    assert chosen["cache"] == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
    assert chosen["session"] == "django.contrib.sessions.backends.db"


def test_a_redis_url_makes_a_shared_cache_and_cached_sessions() -> None:
    chosen = _settings(REDIS_URL="redis://127.0.0.1:6379/2", CACHE_KEY_PREFIX="site-a")
    assert chosen["cache"] == {
        "BACKEND": "core.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/2",
        "KEY_PREFIX": "site-a",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    assert chosen["session"] == "accounts.sessions"


def test_a_per_process_cache_url_never_caches_sessions() -> None:
    chosen = _settings(CACHE_URL="locmemcache://")
    assert chosen["session"] == "django.contrib.sessions.backends.db"


def test_pgbouncer_turns_server_side_cursors_off() -> None:
    assert _settings()["cursors"] is False
    assert _settings(DATABASE_POOLER="pgbouncer")["cursors"] is True
