"""The demo's SQLite under concurrent writes answers as PostgreSQL does (issue 13, finding 7).

With SQLite's deferred transactions, the second of two saves read, then failed to write with
"database is locked" (a 500). Immediate transactions and a busy timeout make it wait for the
first, read its result and get the conflict message, like PostgreSQL's row locks.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_saves_on_sqlite_give_one_save_and_one_conflict(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    python = sys.executable
    subprocess.run(  # noqa: S603 - our own manage.py
        [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    result = subprocess.run(  # noqa: S603 - our own script
        [python, "-m", "tests.core.sqlite_race"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"first": "saved", "second": "conflict", "amount": "200"}
