"""The machinery of the fault-injection tests: a private PostgreSQL cluster and app processes.

The shared PostgreSQL on 127.0.0.1:5432 is never touched: each test module starts its own
cluster (initdb into a temporary directory, a free port, its socket in that directory), which it
may restart and crash at will, and deletes it at the end. PostgreSQL refuses to run as root, so
when the tests run as root (CI does) its programs run as the `postgres` OS user.
"""

import contextlib
import json
import os
import pwd
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import psycopg

from tests.conftest import SealingAuthority

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATABASE = "halland"


def postgres_bindir() -> Path | None:
    """The newest installed server's programs (Debian: /usr/lib/postgresql/<version>/bin)."""
    found = [
        p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if p.parent.is_dir()
    ]

    def version(bindir: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", bindir.parent.name))

    return max(found, key=version, default=None)


def run(args: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run a program to completion; its output on failure."""
    done = subprocess.run(  # noqa: S603 - fixed programs and arguments of our own
        list(args), env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        raise AssertionError(
            f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def wait_for[T](
    what: str,
    check: Callable[[], T | Literal[False] | None],
    *,
    timeout: float = 30,
    explain: Callable[[], str] | None = None,
) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` s,
    adding what `explain` says of the state then (a log's tail, who waits on a lock)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{explain()}" if explain else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {what}{detail}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A throwaway PostgreSQL server of our own."""

    bindir: Path
    directory: Path
    port: int
    as_postgres: list[str] = field(default_factory=list)

    @classmethod
    @contextlib.contextmanager
    def running(cls, bindir: Path) -> Iterator["Cluster"]:
        directory = Path(tempfile.mkdtemp(prefix="halland-faults-pg-"))
        as_postgres: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse root
            user = pwd.getpwnam("postgres")
            os.chown(directory, user.pw_uid, user.pw_gid)
            as_postgres = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]
        cluster = cls(bindir=bindir, directory=directory, port=free_port(), as_postgres=as_postgres)
        try:
            cluster.pg(
                "initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
            cluster.pg_ctl(
                "start",
                "-o",
                # fsync off: only the server's processes crash here, never the machine's
                # page cache, so what PostgreSQL wrote survives a crash as it would with fsync.
                f"-p {cluster.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off",
            )
            with cluster.connect("postgres") as conn:
                conn.execute(f"CREATE DATABASE {DATABASE}")
            yield cluster
        finally:
            with contextlib.suppress(Exception):
                cluster.pg_ctl("stop", "-m", "immediate")
            shutil.rmtree(directory, ignore_errors=True)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def pg(self, program: str, *args: str) -> str:
        return run([*self.as_postgres, str(self.bindir / program), *args])

    def pg_ctl(self, action: str, *args: str) -> str:
        return self.pg(
            "pg_ctl", action, "-D", str(self.data), "-l", str(self.directory / "log"),
            "-w", "-t", "60", *args,
        )  # fmt: skip

    def restart(self, mode: str) -> None:
        """Stop the server as `mode` says and start it again with the same options."""
        self.pg_ctl("restart", "-m", mode)

    def url(self, application_name: str) -> str:
        """DATABASE_URL for an app process; the name tells its connections apart in
        pg_stat_activity."""
        return (
            f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"
            f"?application_name={application_name}"
        )

    def connect(self, database: str = DATABASE, *, autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            autocommit=autocommit,
            application_name="faults-test",
        )

    def log_tail(self, lines: int = 30) -> str:
        path = self.directory / "log"
        return "\n".join(path.read_text().splitlines()[-lines:]) if path.exists() else ""


class AppProcess:
    """A long-lived app process (tests/faults/app_process.py), one command at a time."""

    def __init__(self, name: str, env: dict[str, str], log: Path, *, health_checks: bool = True):
        self.name = name
        self.log = log
        code = (
            "from tests.faults.app_process import serve; "
            f"serve(without_health_checks={not health_checks!r})"
        )
        with log.open("w") as stderr:  # the child keeps its own copy
            self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        self._answers: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("@@ "):
                self._answers.put(json.loads(line[3:]))

    def send(self, command: str, **arguments: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"command": command, **arguments}) + "\n")
        self.process.stdin.flush()

    def answer(self, timeout: float = 30) -> dict[str, Any]:
        try:
            return self._answers.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"{self.name} gave no answer within {timeout} s; its log:\n{self.log_tail()}"
            ) from None

    def still_working(self) -> bool:
        """True while the last command is unanswered; fails at once if it was answered."""
        if not self._answers.empty():
            raise AssertionError(f"{self.name} answered too early: {self._answers.get()}")
        return True

    def call(self, command: str, **arguments: Any) -> dict[str, Any]:
        self.send(command, **arguments)
        return self.answer()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Worker:
    """`manage.py db_worker`, the production task worker of django-tasks-db."""

    def __init__(self, name: str, env: dict[str, str], log: Path):
        self.name = name
        self.log = log
        with log.open("w") as output:  # the child keeps its own copy
            self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
                [
                    sys.executable, "manage.py", "db_worker", "--interval", "0.1",
                    "--no-startup-delay", "--no-reload", "--worker-id", name,
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def still_running(self) -> bool:
        """True while the worker runs; fails at once if it stopped."""
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} stopped; its log:\n{self.log_tail()}")
        return True

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is cleaned up, as when the OOM killer strikes."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:])


def deleted_files_open_by(pid: int) -> list[int]:
    """Sizes of the unnamed (deleted) regular files a process holds open: its temporary files."""
    sizes = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd).endswith("(deleted)"):
                stat = fd.stat()
                if stat.st_mode & 0o170000 == 0o100000:
                    sizes.append(stat.st_size)
    return sizes


@dataclass
class Site:
    """The application installed on the private cluster: migrated, with the demo data."""

    cluster: Cluster
    media: Path
    logs: Path
    seal: SealingAuthority

    def env(self, name: str, **extra: str) -> dict[str, str]:
        """A production process's environment; `name` marks its database connections."""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
        env.update(
            DATABASE_URL=self.cluster.url(f"faults-{name}"),
            DJANGO_SETTINGS_MODULE="config.settings.test",
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            CONN_MAX_AGE="60",
            MEDIA_ROOT=str(self.media),
            SEAL_PKCS12_PATH=str(self.seal.seal_p12),
            SEAL_PKCS12_PASSPHRASE=self.seal.passphrase,
            SEAL_TRUST_ROOTS=str(self.seal.ca_pem),
            LOG_FORMAT="text",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *args: str, name: str = "manage", **extra: str) -> str:
        return run([sys.executable, "manage.py", *args], env=self.env(name, **extra))


@dataclass
class Processes:
    site: Site
    started: list[AppProcess | Worker] = field(default_factory=list)

    def app(self, name: str, *, health_checks: bool = True) -> AppProcess:
        process = AppProcess(
            name, self.site.env(name), self.site.logs / f"{name}.log", health_checks=health_checks
        )
        self.started.append(process)
        return process

    def worker(self, name: str) -> Worker:
        worker = Worker(name, self.site.env(name), self.site.logs / f"{name}.log")
        self.started.append(worker)
        return worker


def one(db: psycopg.Connection, sql: str, *params: Any) -> Any:
    row = db.execute(sql, params).fetchone()
    return row[0] if row and len(row) == 1 else row
