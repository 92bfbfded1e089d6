"""The production stack under load while its parts fail (issue 18, "Proven on this machine").

A steady stream of GETs goes through nginx (a logged-in partner's agreement page, `/healthz`)
while one part is stopped:

- an app server reloaded (SIGHUP), stopped gracefully (SIGTERM) or killed (SIGKILL): no GET may
  fail. nginx retries on the other server whatever could not reach this one (refused, or reset
  before an answer: `proxy_next_upstream error`); bin/serve starts a stopped one again, as
  systemd's Restart=always does (deploy/systemd/halland-app@.service).
- PgBouncer or PostgreSQL restarted: a request may fail while the database is out of reach, but
  only with the app's 503 page (Retry-After), at once, never a hang or a 500/502; within seconds
  every request succeeds again, on both app servers, with the same gunicorn processes (Django's
  CONN_HEALTH_CHECKS replaces the dead kept connection; PgBouncer's server_login_retry = 1).

Each test could fail: without `proxy_next_upstream` the first request sent to a stopped server
is a 502 (each test checks that nginx did retry some), and without core.views.server_error a
database out of reach is a 500.
"""

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.faults.harness import wait_for
from tests.stack.client import Browser, Stack

pytestmark = pytest.mark.stack

AGREEMENT = "/agreements/GF-2024-COOMPANION/"
# A page that reads the database on every request (the user's e-mail settings): with Redis the
# agreement page, once cached, may be served with no query at all (audit.cache).
SETTINGS = "/accounts/notices/"


@dataclass
class Answer:
    path: str
    started: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no answer (the error says why)
    error: str = ""
    retry_after: str = ""
    clear_page: bool = False  # the 503 page that says to try again


@dataclass
class Load:
    """GETs through nginx from a few clients, one after another each, until stopped."""

    port: int
    partner: Browser
    answers: list[Answer] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def client(self, paths: tuple[str, ...]) -> None:
        browser = Browser(cookies=dict(self.partner.cookies))
        while not self.stopping.is_set():
            for path in paths:
                started = time.monotonic()
                try:
                    page = browser.get(self.port, path)
                except OSError as error:
                    seconds = time.monotonic() - started
                    self.record(Answer(path, started, seconds, None, repr(error)))
                    continue
                self.record(
                    Answer(
                        path,
                        started,
                        time.monotonic() - started,
                        page.status,
                        retry_after=page.headers.get("Retry-After", ""),
                        clear_page="tillfälligt otillgänglig" in page.body,
                    )
                )
                time.sleep(0.01)  # steady, not flat out: the machine's two CPUs are shared

    def record(self, answer: Answer) -> None:
        self.answers.append(answer)  # list.append is atomic

    def statuses(self, since: float = 0.0) -> Counter[int | None]:
        return Counter(a.status for a in self.answers if a.started >= since)


@contextmanager
def steady_load(
    stack: Stack,
    partner: Browser,
    clients: int = 3,
    paths: tuple[str, ...] = (AGREEMENT, "/healthz"),
) -> Iterator[Load]:
    load = Load(stack.port, partner)
    threads = [
        threading.Thread(target=load.client, args=(paths,), daemon=True) for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)  # load before the fault
        yield load
    finally:
        load.stopping.set()
        for thread in threads:
            thread.join(timeout=90)


def logged_in_partner(stack: Stack) -> Browser:
    partner = Browser()
    assert partner.log_in(stack.port, "coompanion").status == 302
    assert partner.get(stack.port, AGREEMENT).status == 200
    return partner


def pid_of(stack: Stack, name: str) -> int:
    """The process bin/serve supervises as `name` (bin/serve's RUN_DIR/NAME.pid, replaced
    whole when it restarts one; waits while a restart has not written it yet)."""
    path = stack.serve_dir / "stack" / f"{name}.pid"
    deadline = time.monotonic() + 10
    while not (text := path.read_text().strip() if path.exists() else "").isdigit():
        assert time.monotonic() < deadline, f"no pid for {name} after 10 s"
        time.sleep(0.1)
    return int(text)


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def answers_on_its_own(stack: Stack, port: int, partner: Browser) -> bool:
    """The app server, asked directly, serves a page that reads the database."""
    try:
        return Browser(cookies=dict(partner.cookies)).get(port, SETTINGS).status == 200
    except OSError:
        return False


def retried_after(stack: Stack, port: int, since_lines: int) -> list[dict[str, object]]:
    """nginx's log lines since `since_lines` that tried `port` and then the other server."""
    return [
        line
        for line in stack.nginx_log()[since_lines:]
        if str(line["upstream"]).startswith(f"127.0.0.1:{port}, ")
    ]


FAULTS = [signal.SIGHUP, signal.SIGTERM, signal.SIGKILL]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_an_app_server_reloaded_stopped_or_killed_mid_load_costs_no_get(
    stack: Stack, fault: signal.Signals
) -> None:
    a, _ = stack.app_ports
    partner = logged_in_partner(stack)
    master = pid_of(stack, f"gunicorn-{a}")
    workers = children(master)
    assert len(workers) == 2, workers  # WEB_CONCURRENCY=2
    log_lines = len(stack.nginx_log())

    with steady_load(stack, partner) as load:
        faulted = time.monotonic()
        os.kill(master, fault)
        if fault == signal.SIGHUP:
            # A reload: the same master, new workers, the old ones finish what they have.
            wait_for("new workers", lambda: len((new := children(master)) - workers) == 2 and new)
        else:
            # Stopped: bin/serve starts it again (systemd would); nginx tries it again after
            # fail_timeout (5 s) and it takes requests again.
            wait_for("a new master", lambda: pid_of(stack, f"gunicorn-{a}") != master, timeout=30)
            wait_for("A back", lambda: answers_on_its_own(stack, a, partner), timeout=60)
        back = time.monotonic()
        time.sleep(6)  # past nginx's fail_timeout: A is sent requests again

    during = load.statuses(since=faulted)
    print(
        f"\n{fault.name}: {len(load.answers)} GETs, {sum(during.values())} from the fault on; "
        f"statuses {dict(load.statuses())}; A back after {back - faulted:.1f} s"
    )
    failed = [x for x in load.answers if x.status != 200]
    assert not failed, failed[:5]
    assert sum(during.values()) > 20
    upstreams = [str(line["upstream"]) for line in stack.nginx_log()[log_lines:]]
    assert any(u == f"127.0.0.1:{a}" for u in upstreams[-20:]), "A takes requests again"
    if fault == signal.SIGHUP:
        assert pid_of(stack, f"gunicorn-{a}") == master
        assert not children(master) & workers
    else:
        # The fault was felt: requests sent to A were retried on B, and none was lost.
        assert retried_after(stack, a, log_lines), "nginx never had to retry: no fault seen"


@pytest.mark.parametrize("part", ["pgbouncer", "postgresql"])
def test_the_database_restarted_under_load_recovers_without_restarting_the_app(
    stack: Stack, part: str
) -> None:
    partner = logged_in_partner(stack)
    masters = {port: pid_of(stack, f"gunicorn-{port}") for port in stack.app_ports}

    with steady_load(stack, partner, paths=(AGREEMENT, SETTINGS, "/healthz")) as load:
        faulted = time.monotonic()
        if part == "pgbouncer":
            pgbouncer = pid_of(stack, "pgbouncer")
            os.kill(pgbouncer, signal.SIGTERM)  # PgBouncer's immediate shutdown
            wait_for("PgBouncer again", lambda: pid_of(stack, "pgbouncer") != pgbouncer)
        else:
            stack.postgres.restart("fast")  # every session ended, then started again
        restarted = time.monotonic()
        recovered = wait_for(
            "both app servers to read the database again",
            lambda: (
                all(answers_on_its_own(stack, p, partner) for p in stack.app_ports)
                and time.monotonic()
            ),
            timeout=30,
        )
        time.sleep(3)
        after = time.monotonic()
        time.sleep(3)

    statuses = load.statuses()
    unavailable = [x for x in load.answers if x.status == 503]
    paths = sorted({x.path for x in load.answers})
    by_path = {p: dict(Counter(x.status for x in load.answers if x.path == p)) for p in paths}
    print(
        f"\n{part} restarted in {restarted - faulted:.1f} s under load: {len(load.answers)} GETs, "
        f"statuses {dict(statuses)}; both app servers read the database again "
        f"{recovered - restarted:.1f} s after; slowest answer "
        f"{max(x.seconds for x in load.answers):.2f} s; by path "
        f"{by_path}"
    )
    # While the database was out of reach: the app's 503 page, at once; nothing else.
    assert set(statuses) <= {200, 503}, [x for x in load.answers if x.status not in (200, 503)][:5]
    assert unavailable, "no request failed: the restart was not felt"
    assert all(x.retry_after == "5" and x.clear_page for x in unavailable if x.path != "/healthz")
    # The agreement page, cached with the session, the user and the revision in Redis, asks the
    # database nothing (audit.cache): it kept answering while the database was away.
    assert by_path[AGREEMENT] == {200: by_path[AGREEMENT][200]}, by_path
    # No hang: an answer within seconds (PgBouncer refuses at once, or after query_wait_timeout
    # at the latest), though the machine's two CPUs are shared and the app servers busy.
    assert max(x.seconds for x in load.answers) < 10, "a request hung"
    # Recovered within seconds, and stays so: every request from then on succeeds.
    assert recovered - restarted < 10
    assert load.statuses(since=after) == Counter({200: sum(load.statuses(since=after).values())})
    assert sum(load.statuses(since=after).values()) > 10
    # Without restarting the app: the same gunicorn masters.
    assert {port: pid_of(stack, f"gunicorn-{port}") for port in stack.app_ports} == masters
