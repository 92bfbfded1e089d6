"""The systemd units of deploy/systemd/ (docs/deploy.md, "systemd"): each is one systemd takes,
runs a command this project has with arguments it accepts, and every periodic job has its timer.

`systemd-analyze verify` reads each unit as systemd would (unknown keys, bad calendar
expressions, missing programs) on a copy whose /srv/halland is this checkout; the rest needs no
systemd: each `manage.py` command line is parsed by the command's own parser, so a renamed
command or option fails here, not at 3 a.m. on a server. Runs in `make test` too: no stack needed.
"""

import os
import re
import shlex
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import get_commands, load_command_class

from tests.faults.harness import BASE_DIR

UNITS = BASE_DIR / "deploy" / "systemd"
INSTALLED = "/srv/halland"  # where docs/deploy.md installs the release
# The long-running services; every other service is a job one of the timers starts.
LONG_RUNNING = {"halland-app@.service", "halland-worker.service"}
# What issue 18 asks of the housekeeping, and issue 13's reminders and notice retries.
PERIODIC = {
    "send_reminders",
    "send_notices",
    "recover_stalled_bundles",
    "clearsessions",
    "prune_db_task_results",
    "axes_reset_logs",
}


def unit(path: Path) -> dict[str, list[str]]:
    """`Section.Key` → its values, in order (a key may repeat, as ExecStart does)."""
    values: dict[str, list[str]] = defaultdict(list)
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if found := re.fullmatch(r"\[(\w+)\]", line):
            section = found[1]
            continue
        key, _, value = line.partition("=")
        values[f"{section}.{key.strip()}"].append(value.strip())
    return values


def units(suffix: str) -> dict[str, dict[str, list[str]]]:
    return {p.name: unit(p) for p in sorted(UNITS.glob(f"*.{suffix}"))}


def manage_commands(service: dict[str, list[str]]) -> list[list[str]]:
    """The manage.py command lines a service runs: [name, *arguments]."""
    lines = []
    for command in service["Service.ExecStart"]:
        words = shlex.split(command)
        if "manage.py" in words:
            assert words[0] == f"{INSTALLED}/.venv/bin/python", command
            lines.append(words[words.index("manage.py") + 1 :])
    return lines


def test_every_command_is_one_of_ours_with_arguments_it_takes(settings: Any) -> None:
    # Production's task backend (the tests' default is the immediate one), which
    # prune_db_task_results checks as it parses its options.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    commands = get_commands()
    seen = set()
    for name, service in units("service").items():
        assert service["Service.WorkingDirectory"] == [INSTALLED], name
        assert service["Service.EnvironmentFile"] == ["/etc/halland/env"], name
        assert service["Service.User"] == ["halland"], name
        for command, *arguments in manage_commands(service):
            assert command in commands, f"{name}: no manage.py command {command}"
            parser = load_command_class(commands[command], command).create_parser(
                "manage.py", command
            )
            parser.parse_args(arguments)  # exits (SystemExit) on an option it does not take
            seen.add(command)
    assert seen >= PERIODIC | {"db_worker"}


def test_the_app_server_is_the_gunicorn_the_stack_test_runs() -> None:
    app = units("service")["halland-app@.service"]
    words = shlex.split(app["Service.ExecStart"][0])
    assert words[0] == f"{INSTALLED}/.venv/bin/gunicorn"
    # The same configuration and application bin/serve starts (tests/stack/test_resilience.py
    # stops, kills and reloads those): the port is the instance's.
    assert words[1:] == ["-c", "config/gunicorn.py", "--bind", "127.0.0.1:%i", "config.wsgi"]
    assert (BASE_DIR / "config" / "gunicorn.py").exists()
    assert app["Service.ExecReload"] == ["/bin/kill -HUP $MAINPID"]


def test_long_running_services_come_back_and_every_job_has_its_timer() -> None:
    services, timers = units("service"), units("timer")
    for name in LONG_RUNNING:
        assert services[name]["Service.Restart"] == ["always"], name
        assert services[name]["Install.WantedBy"] == ["multi-user.target"], name
    jobs = {name for name in services if name not in LONG_RUNNING}
    assert jobs, "no periodic jobs"
    for name in jobs:
        assert services[name]["Service.Type"] == ["oneshot"], name
        assert name.removesuffix(".service") + ".timer" in timers, f"{name} has no timer"
        assert "Install.WantedBy" not in services[name], f"{name} is started by its timer only"
    for name, timer in timers.items():
        assert name.removesuffix(".timer") + ".service" in jobs, f"{name} starts no job"
        assert timer["Timer.OnCalendar"], name
        assert timer["Timer.Persistent"] == ["true"], name
        assert timer["Install.WantedBy"] == ["timers.target"], name


def test_systemd_takes_every_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("REQUIRE_STACK"):  # .ci/run: this must run, never skip
            raise AssertionError("REQUIRE_STACK is set but systemd-analyze is missing")
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    python = BASE_DIR / ".venv" / "bin" / "python"
    names = []
    for source in sorted(UNITS.iterdir()):
        # As installed, but with this checkout at /srv/halland, so the programs exist.
        text = source.read_text().replace(INSTALLED, str(BASE_DIR))
        assert python.exists()
        (tmp_path / source.name).write_text(text)
        names.append(source.name.replace("@.", "@8001."))  # an instance of the template
    done = subprocess.run(  # noqa: S603 - systemd's own checker on our files
        [analyze, "verify", *(str(tmp_path / name) for name in names)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Any complaint counts: an unknown key is only a warning to systemd, and a silent no-op.
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert (done.returncode, complaints) == (0, []), "\n".join(complaints)
