"""Benchmark: the session floor through the production stack (issue 18, "Speed").

bin/serve (nginx → two gunicorns → PgBouncer → PostgreSQL, Redis) with BENCH_FLOOR_ENDPOINT on,
then wrk through nginx on `/bench/floor/` (a view that does nothing): once with an official's
logged-in session past the second step (session, user, OTP device and every middleware do their
work), once bare (no cookie: the same stack, nothing to look up). The figure is the ratio
session / bare in requests per second; issue 18 asks for ≥ 0.5. Machines are shared and noisy:
compare the ratio, not the rates. BENCH_SECONDS sets each load's duration; the database is
BENCH_DATABASE_URL's server (default the local one), under a name of its own, dropped after.

Twice: with Redis (sessions `cached_db`, the session's user and device cached: accounts.
session_cache) and without (CACHE_URL=locmemcache://: each process its own cache, sessions in
the database, nothing of the session cached). Each time also the stored signed PDF download (a
partner's, sent by nginx after the app checked access) against the same partner's session floor;
issue 18 asks ≥ 0.9. The table goes to docs/performance.md (bench:stack-floor).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402
import psycopg  # noqa: E402

django.setup()  # the stack test's client imports the test helpers, which need the app registry

from bench.dataset import write_section  # noqa: E402
from tests.faults.harness import free_port  # noqa: E402
from tests.stack.client import Browser  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "6"))
CLIENTS = (1, 8)
LUA = Path(__file__).with_name("wrk_report.lua")


def load(url: str, clients: int, cookie: str | None) -> dict[str, float]:
    headers = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
    done = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{SECONDS}s", "-s", str(LUA), *headers, url],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["errors"]:
        raise SystemExit(f"wrk saw {report['errors']} errors on {url}:\n{done.stdout}")
    return {
        "rps": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["p50_us"] / 1000,
    }


PDF = "/agreements/GF-2024-COOMPANION/pdf/"
CONFIGURATIONS = (
    ("with Redis", {"REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")}),
    ("without Redis", {"CACHE_URL": "locmemcache://"}),
)


@contextmanager
def serving(cache: dict[str, str]) -> Iterator[int]:
    """bin/serve on a database of its own, with `cache`; yields nginx's port."""
    server = urlsplit(
        os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    database = f"halland_bench_stack_{os.getpid()}"
    serve_dir = Path(tempfile.mkdtemp(prefix="halland-bench-stack-"))
    serve_dir.chmod(0o755)
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "") + ":/usr/sbin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DATABASE_URL": server._replace(path=f"/{database}", query="").geturl(),
        "PORT": str(port),
        "APP_PORTS": f"{free_port()} {free_port()}",
        "PGBOUNCER_PORT": str(free_port()),
        "SMTP_PORT": str(free_port()),
        "SERVE_DIR": str(serve_dir),
        "BENCH_FLOOR_ENDPOINT": "on",
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        **cache,
    }
    with (serve_dir / "serve.log").open("w") as log:
        serve = subprocess.Popen(
            [str(ROOT / "bin" / "serve")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if Browser().get(port, "/healthz").status == 200:
                    break
            except OSError:
                pass
            if serve.poll() is not None or time.monotonic() > deadline:
                raise SystemExit((serve_dir / "serve.log").read_text()[-3000:])
            time.sleep(0.5)
        yield port
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
        admin = server._replace(path="/postgres", query="").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(serve_dir, ignore_errors=True)


def measure(port: int) -> dict[int, dict[str, dict[str, float]]]:
    official = Browser()
    assert official.log_in(port, "handlaggare").status == 302
    assert official.second_step(port).status == 302
    partner = Browser()
    assert partner.log_in(port, "coompanion").status == 302
    floor = f"http://127.0.0.1:{port}/bench/floor/"
    assert official.get(port, "/bench/floor/").status == 200
    assert Browser().get(port, "/bench/floor/").status == 200
    assert partner.get(port, PDF).status == 200
    results = {}
    for clients in CLIENTS:
        results[clients] = {
            "bare": load(floor, clients, None),
            "session": load(floor, clients, official.cookies["sessionid"]),
            "partner": load(floor, clients, partner.cookies["sessionid"]),
            "pdf": load(f"http://127.0.0.1:{port}{PDF}", clients, partner.cookies["sessionid"]),
        }
        row = results[clients]
        print(
            f"  {clients:2d} clients: bare {row['bare']['rps']:.0f} req/s, "
            f"session {row['session']['rps']:.0f} "
            f"({row['session']['rps'] / row['bare']['rps']:.2f} × bare; issue 18 asks ≥ 0.5), "
            f"stored PDF {row['pdf']['rps']:.0f} "
            f"({row['pdf']['rps'] / row['partner']['rps']:.2f} × the partner's floor; ≥ 0.9)",
            flush=True,
        )
    return results


def table(measured: dict[str, dict[int, dict[str, dict[str, float]]]]) -> str:
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    today = datetime.now(UTC).date().isoformat()
    lines = [
        f"nginx → 2 gunicorns ({workers} sync workers each) → PgBouncer → PostgreSQL, wrk on the "
        f"same 2-core machine, {SECONDS} s per load, measured {today}. "
        "Session floor = an official's session past the second step, over bare (no cookie); "
        "stored PDF = a partner's signed agreement (nginx sends the file), over the same "
        "partner's session floor.",
        "",
        "| cache | clients | bare req/s | session req/s | session floor × bare "
        "| partner's floor req/s | stored PDF req/s | PDF × partner's floor |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, results in measured.items():
        for clients, row in results.items():
            lines.append(
                f"| {name} | {clients} | {row['bare']['rps']:.0f} | {row['session']['rps']:.0f} "
                f"| {row['session']['rps'] / row['bare']['rps']:.2f} "
                f"| {row['partner']['rps']:.0f} | {row['pdf']['rps']:.0f} "
                f"| {row['pdf']['rps'] / row['partner']['rps']:.2f} |"
            )
    return "\n".join(lines)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("SKIPPED: the stack benchmark needs wrk (Debian: apt-get install wrk).")
    measured = {}
    for name, cache in CONFIGURATIONS:
        print(f"Through nginx → 2 gunicorns, {name}, {SECONDS} s each:", flush=True)
        with serving(cache) as port:
            measured[name] = measure(port)
    write_section("stack-floor", table(measured))


if __name__ == "__main__":
    main()
