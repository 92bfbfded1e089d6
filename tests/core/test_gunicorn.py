"""The production server's settings (config/gunicorn.py), tested on a real gunicorn."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def gunicorn() -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "WEB_CONCURRENCY": "1", "GUNICORN_ACCESS_LOG": ""}
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "config/gunicorn.py",
            "--bind",
            f"127.0.0.1:{port}",
            "tests.core.wsgi_echo:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _environ(port: int, request: bytes) -> dict[str, str]:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(request)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    return dict(json.loads(body))


def test_a_script_name_header_from_a_trusted_address_is_ignored(gunicorn: int) -> None:
    # 127.0.0.1 is a trusted forwarder (FORWARDED_ALLOW_IPS): gunicorn's default would take
    # SCRIPT_NAME and PATH_INFO from these headers (issue 13, finding 1).
    environ = _environ(
        gunicorn,
        b"GET /api/budget/2024/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"SCRIPT_NAME: /api\r\nPATH_INFO: /admin/\r\n\r\n",
    )
    assert environ["SCRIPT_NAME"] == ""
    assert environ["PATH_INFO"] == "/api/budget/2024/"


def test_the_forwarded_scheme_from_the_proxy_still_counts(gunicorn: int) -> None:
    environ = _environ(
        gunicorn,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-Proto: https\r\n\r\n",
    )
    assert environ["wsgi.url_scheme"] == "https"


# --------------------------------------------------------------------------- worker count


def _cgroup(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    return tmp_path


def test_workers_follow_the_cgroup_quota_not_the_cores(tmp_path: Path) -> None:
    from config.gunicorn import available_cpus, default_workers

    cores = len(os.sched_getaffinity(0))
    half_a_cpu = _cgroup(tmp_path, {"cpu.max": "50000 100000\n"})
    assert available_cpus(half_a_cpu) == 0.5
    assert default_workers(0.5) == 3  # one CPU's worth: 2 × 1 + 1
    assert default_workers(1.5) == 5
    assert available_cpus(_cgroup(tmp_path / "many", {"cpu.max": "6400000 100000"})) == cores


def test_without_a_quota_the_usable_cores_count(tmp_path: Path) -> None:
    from config.gunicorn import available_cpus

    cores = float(len(os.sched_getaffinity(0)))
    assert available_cpus(_cgroup(tmp_path / "v2", {"cpu.max": "max 100000"})) == cores
    v1 = {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}
    assert available_cpus(_cgroup(tmp_path / "v1", v1)) == cores
    v1_quota = {"cpu/cpu.cfs_quota_us": "25000", "cpu/cpu.cfs_period_us": "100000"}
    assert available_cpus(_cgroup(tmp_path / "v1q", v1_quota)) == 0.25
    assert available_cpus(tmp_path / "none") == cores


# --------------------------------------------------------------------------- logs


def test_both_logs_are_one_json_object_a_line(tmp_path: Path) -> None:
    port = _free_port()
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    env = {**os.environ, "WEB_CONCURRENCY": "1", "LOG_FORMAT": "json"}
    env.pop("GUNICORN_ACCESS_LOG", None)
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "-c",
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{port}",
                "tests.core.wsgi_echo:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            for _ in range(100):
                try:
                    _environ(
                        port,
                        b"GET /x?token=secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        b'User-Agent: a "quoted" agent\r\n\r\n',
                    )
                    break
                except OSError:
                    time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=10)

    errors = [json.loads(line) for line in err.read_text().splitlines()]
    assert {line["logger"] for line in errors} == {"gunicorn.error"}
    assert any(line["message"].startswith("Booting worker") for line in errors), errors
    [access] = [json.loads(line) for line in out.read_text().splitlines()]
    assert access["logger"] == "gunicorn.access"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/x", 200)
    assert access["user_agent"] == 'a "quoted" agent'
    assert "secret" not in out.read_text()  # no query string
    assert {"request_id", "user_id", "duration_us"} <= access.keys()
