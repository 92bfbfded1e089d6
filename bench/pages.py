"""Benchmark: pages under load, served by gunicorn on PostgreSQL with the large dataset.

Each page is loaded by wrk (Debian package `wrk`) at 1 and at 16 concurrent clients; the
figures are requests per second and p50/p95 latency, each as a ratio to the floor — a view
that does nothing, behind the same middleware stack, with the same user's session. Machines
are shared and noisy (this one's speed drifts by half within minutes), so each ratio compares
loads made side by side: BENCH_ROUNDS rounds (default 3) of the floor and the page back to
back, in alternating order, and the ratio is the median of the rounds' ratios; the floor's
spread over the rounds is shown. `make bench` runs it; BENCH_SECONDS sets each load's duration
(default 4).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu
import dataset
import wrk

ROOT = dataset.ROOT
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CLIENTS = (1, 16)


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    user: str
    floor: bool = False


TARGETS = [
    Target("floor (official's session)", "/bench/floor/", "handlaggare", floor=True),
    Target("budget overview, 300 partners", "/budget/2023/", "handlaggare"),
    Target(
        "allocation editor, 300 inputs",
        "/budget/2025/grundfinansiering/allocations/",
        "handlaggare",
    ),
    Target("agreement list, 3 006 agreements", "/agreements/", "handlaggare"),
    Target("agreement detail", "/agreements/GF-2023-COOMPANION/", "handlaggare"),
    # Issue 15: what waits for the region across 300 partners, the payments page, partners.
    Target("official's start page (Att göra)", "/", "handlaggare"),
    Target("payments, 300 partners", "/payments/", "handlaggare"),
    Target("partner list, 306 partners", "/partners/", "handlaggare"),
    Target("floor (partner's session)", "/bench/floor/", "coompanion", floor=True),
    Target("partner home, 11 agreements", "/", "coompanion"),
    Target("partner's own page, 11 agreements", "/partners/coompanion/", "coompanion"),
    Target("signed PDF download (stored)", "/agreements/GF-2023-COOMPANION/pdf/", "coompanion"),
]


@dataclass(frozen=True)
class Result:
    rps: float
    p50_ms: float
    p95_ms: float
    cpu_ms: float = 0.0  # the servers' CPU time per request (bench.cpu)


def sessions() -> dict[str, str]:
    """A logged-in session cookie per user, past the second step for staff."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from accounts.two_factor import needs_two_factor

    cookies = {}
    for username in {t.user for t in TARGETS}:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if needs_two_factor(user):
            session = client.session
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        cookies[username] = client.cookies["sessionid"].value
    return cookies


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check(url: str, cookie: str) -> None:
    """Refuse to measure anything but a 200 (a redirect to login would look fast)."""
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}")
        response.read()


def load(stack: cpu.Stack, url: str, cookie: str, clients: int) -> Result:
    """One load; `stack` is whose CPU time is counted: gunicorn's process group, the
    database's connections and Redis."""
    cpu_before = stack.ticks()
    report = wrk.run(url, clients=clients, seconds=SECONDS, cookie=cookie, threads=min(clients, 2))
    return Result(
        rps=report["requests"] / (report["duration_us"] / 1e6),
        p50_ms=report["p50_us"] / 1000,
        p95_ms=report["p95_us"] / 1000,
        cpu_ms=stack.seconds_since(cpu_before) * 1000 / max(report["requests"], 1),
    )


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("SKIPPED: the page benchmark needs wrk (Debian: apt-get install wrk).")
    env = dataset.prepare("halland_bench", years=10, partners=300)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    cookies = sessions()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workers = os.cpu_count() or 1
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "config" / "gunicorn.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi",
        ],
        cwd=ROOT,
        # Workers are not recycled: a restart's second of CPU would land on one load.
        env={**os.environ, **env, "GUNICORN_ACCESS_LOG": "", "GUNICORN_MAX_REQUESTS": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group of its own, for its CPU time
    )
    redis = urlsplit(env.get("REDIS_URL", ""))
    stack = cpu.Stack(server.pid, cpu.titles("halland_bench", redis.hostname, redis.port))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for target in TARGETS:
            check(base + target.path, cookies[target.user])
        measured = {}
        floor = TARGETS[0]  # each page's floor: the one listed last before it
        for target in TARGETS:
            if target.floor:
                floor = target
                continue
            for clients in CLIENTS:
                rounds = [
                    side_by_side(
                        stack, base, cookies, floor, target, clients, page_first=i % 2 == 1
                    )
                    for i in range(ROUNDS)
                ]
                measured[target.name, clients] = rounds
                print(f"  {target.name}, {clients} clients: {summary(rounds)}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    report(measured, workers)


Round = tuple[Result, Result]  # the floor's load and the page's, one after the other


def side_by_side(
    stack: cpu.Stack,
    base: str,
    cookies: dict[str, str],
    floor: Target,
    page: Target,
    clients: int,
    *,
    page_first: bool,
) -> Round:
    order = (page, floor) if page_first else (floor, page)
    done = {t.name: load(stack, base + t.path, cookies[t.user], clients) for t in order}
    return done[floor.name], done[page.name]


def ratios(rounds: list[Round]) -> Result:
    """The page over its floor, the median of the rounds' ratios."""
    return Result(
        rps=median(p.rps / f.rps for f, p in rounds),
        p50_ms=median(p.p50_ms / f.p50_ms for f, p in rounds),
        p95_ms=median(p.p95_ms / f.p95_ms for f, p in rounds),
        cpu_ms=median(f.cpu_ms / p.cpu_ms for f, p in rounds),  # inverse: less CPU, more req/s
    )


def medians(results: list[Result]) -> Result:
    return Result(
        rps=median(r.rps for r in results),
        p50_ms=median(r.p50_ms for r in results),
        p95_ms=median(r.p95_ms for r in results),
        cpu_ms=median(r.cpu_ms for r in results),
    )


def summary(rounds: list[Round]) -> str:
    page, ratio = medians([p for _, p in rounds]), ratios(rounds)
    floors = sorted(f.rps for f, _ in rounds)
    return (
        f"{page.rps:.0f} req/s, {ratio.rps:.2f} x floor (floor {floors[0]:.0f}-{floors[-1]:.0f}), "
        f"by CPU {ratio.cpu_ms:.2f} x floor"
    )


def report(measured: dict[tuple[str, int], list[Round]], workers: int) -> None:
    gunicorn_workers = int(os.environ.get("WEB_CONCURRENCY", workers * 2 + 1))
    cache = "Redis" if os.environ.get("REDIS_URL") else "no shared cache (BENCH_REDIS_URL empty)"
    lines = [
        f"gunicorn {gunicorn_workers} sync workers and wrk on one {workers}-core machine, "
        f"PostgreSQL, {cache}, {SECONDS} s per load, measured {time.strftime('%Y-%m-%d')}; "
        "workers not recycled during the run (a restart's CPU would land on one load). "
        f"Floor = the middleware stack alone with the same session, loaded next to the page in "
        f"each of {ROUNDS} rounds; a ratio is the median of the rounds' ratios, the rates are "
        "medians, floor req/s is the floor's lowest and highest rate over the rounds. CPU = "
        "the servers' CPU time per request (gunicorn, the database's connections, Redis; not "
        "wrk): what a request costs, apart from waiting for a core; its ratio is the inverse "
        "(floor's CPU / page's CPU), comparable with the req/s ratio.",
        "",
        "| page | clients | req/s | × floor | p50 ms | × floor | p95 ms | × floor "
        "| floor req/s | CPU ms (floor) | × floor, by CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (name, clients), rounds in measured.items():
        page, ratio = medians([p for _, p in rounds]), ratios(rounds)
        floors = sorted(f.rps for f, _ in rounds)
        floor_cpu = median(f.cpu_ms for f, _ in rounds)
        lines.append(
            f"| {name} | {clients} | {page.rps:.0f} | {ratio.rps:.2f} "
            f"| {page.p50_ms:.1f} | {ratio.p50_ms:.2f} "
            f"| {page.p95_ms:.1f} | {ratio.p95_ms:.2f} | {floors[0]:.0f}–{floors[-1]:.0f} "
            f"| {page.cpu_ms:.2f} ({floor_cpu:.2f}) | {ratio.cpu_ms:.2f} |"
        )
    table = "\n".join(lines)
    print(table)
    dataset.write_section("pages", table)


if __name__ == "__main__":
    main()
