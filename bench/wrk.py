"""One wrk load (Debian package `wrk`), for the benchmarks: its report as numbers."""

import json
import subprocess
from pathlib import Path

LUA = Path(__file__).with_name("wrk_report.lua")


def run(
    url: str, *, clients: int, seconds: int, cookie: str | None, threads: int = 1
) -> dict[str, int]:
    """wrk's report (requests, duration_us, p50_us, p95_us) for `clients` connections over
    `seconds`. A 30 s timeout: one slow request on a shared machine is not an error in a
    throughput measurement; any error stops the benchmark (a failing page would look fast)."""
    headers = ["-H", f"Cookie: sessionid={cookie}"] if cookie else []
    limits = [f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s"]
    done = subprocess.run(
        ["wrk", *limits, "-s", str(LUA), *headers, url],
        capture_output=True,
        text=True,
        check=True,
    )
    report: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    if report["errors"]:
        raise SystemExit(f"wrk saw {report['errors']} errors on {url}:\n{done.stdout}")
    if not report["requests"]:  # the machine stalled for the whole load: no rate to compare
        raise SystemExit(f"wrk saw no request answered on {url} in {seconds} s:\n{done.stdout}")
    return report
