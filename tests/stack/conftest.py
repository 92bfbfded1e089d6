"""The production stack of `make serve` (bin/serve, deploy/), started for real and driven over
HTTP: nginx, two gunicorn app servers, PgBouncer, Redis, the task worker.

It runs only when asked, REQUIRE_STACK=1 (as .ci/run does after `make test`): it takes the
better part of a minute and starts servers on this machine. Otherwise every test here is skipped
with a loud message. With REQUIRE_STACK set, a missing program is an error, not a skip.
KEEP_STACK_LOGS=1 keeps the stack's run directory (bin/serve's output, nginx's access log).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.faults.harness import BASE_DIR, Cluster, free_port, postgres_bindir
from tests.stack.client import Stack

PROGRAMS = ("nginx", "pgbouncer", "redis-server", "redis-cli", "pg_isready")
SKIP_REASON = (
    "SKIPPED: the production stack test runs only when asked: "
    "REQUIRE_STACK=1 .venv/bin/pytest tests/stack (as .ci/run does)"
)


def _missing() -> list[str]:
    path = os.environ.get("PATH", "") + ":/usr/sbin"
    missing = [p for p in PROGRAMS if shutil.which(p, path=path) is None]
    if postgres_bindir() is None:
        missing.append("PostgreSQL's server programs (initdb, pg_ctl: Debian postgresql)")
    return missing


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    stack_items = [item for item in items if item.get_closest_marker("stack")]
    if not stack_items:
        return
    if os.environ.get("REQUIRE_STACK"):
        if missing := _missing():
            raise pytest.UsageError(f"REQUIRE_STACK is set but this needs {', '.join(missing)}")
        return
    for item in stack_items:
        item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        r
        for r in terminalreporter.stats.get("skipped", [])
        if "production stack test" in str(r.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} production-stack tests were SKIPPED: "
            "run REQUIRE_STACK=1 .venv/bin/pytest tests/stack (as .ci/run does).",
            red=True,
        )


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """bin/serve with its own ports and run directory, on a PostgreSQL server of its own (a
    throwaway cluster, tests/faults/harness.py, which the resilience tests restart: the shared
    server is never touched); the shared Redis on 127.0.0.1:6379 under a prefix of its own."""
    bindir = postgres_bindir()
    assert bindir is not None
    with Cluster.running(bindir) as postgres:
        yield from _serve(postgres)


def _serve(postgres: Cluster) -> Iterator[Stack]:
    database = f"halland_stack_{os.getpid()}"
    database_url = f"postgres://postgres@127.0.0.1:{postgres.port}/{database}"
    # Not under pytest's own temporary folder (mode 0700): nginx's workers, which run as
    # `nobody` when the tests run as root, read the stored documents from here.
    serve_dir = Path(tempfile.mkdtemp(prefix="halland-stack-"))
    serve_dir.chmod(0o755)
    stack = Stack(
        port=free_port(),
        app_ports=(free_port(), free_port()),
        serve_dir=serve_dir,
        log=serve_dir / "serve.log",
        postgres=postgres,
    )
    env = {
        # Only what a shell would have: not the test settings pytest-django put in os.environ.
        "PATH": os.environ.get("PATH", "") + ":/usr/sbin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DATABASE_URL": database_url,
        "PORT": str(stack.port),
        "APP_PORTS": " ".join(str(p) for p in stack.app_ports),
        "PGBOUNCER_PORT": str(free_port()),
        "SMTP_PORT": str(free_port()),
        "SERVE_DIR": str(serve_dir),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "WEB_CONCURRENCY": "2",  # each app server; this machine's CPUs are shared
        "PYTHONUNBUFFERED": "1",
    }
    started = time.monotonic()
    with stack.log.open("w") as log:
        serve = subprocess.Popen(  # noqa: S603 - our own script
            [str(BASE_DIR / "bin" / "serve")],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, ours to stop
        )
    try:
        stack.wait_until_healthy(serve, timeout=240)
        print(f"\nstack started in {time.monotonic() - started:.1f} s")
        yield stack
    finally:
        serve.terminate()  # bin/serve stops what it started
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
        _forget(stack)
        if not os.environ.get("KEEP_STACK_LOGS"):
            shutil.rmtree(serve_dir, ignore_errors=True)


def _forget(stack: Stack) -> None:
    """Drop the stack's keys in the shared Redis (its database goes with its cluster)."""
    prefix_file = stack.serve_dir / "stack" / "cache-prefix"
    if prefix_file.exists():
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        with contextlib.suppress(redis.ConnectionError):  # bin/serve started it and stopped it
            for key in client.scan_iter(f"{prefix_file.read_text().strip()}:*"):
                client.delete(key)
