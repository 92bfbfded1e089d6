"""Fault injection for e-mail: the task worker is killed while the mail server has the message.

The application runs as separate processes on a private PostgreSQL cluster, as in
tests/faults/test_postgres_faults.py (fixtures in tests/faults/conftest.py): an app process
queues a notice, `manage.py db_worker` sends it to a real SMTP server (aiosmtpd) in this test,
which takes the whole message and then holds its answer, so the worker is known to be between
handing the e-mail over and recording it when it gets SIGKILL. Nothing may send it a second
time: not a new worker, not the periodic sweep (issue 16, "a crash between sending and
recording must not send it twice").
"""

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.faults.harness import Processes, Site, Worker, free_port, one, wait_for

pytestmark = pytest.mark.postgres


class HoldingServer:
    """Takes each message, records it, and answers only when released."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope)
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 30)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[HoldingServer, int]]:
    handler, port = HoldingServer(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


def notice(db: psycopg.Connection, pk: int) -> tuple[str, int]:
    row = one(db, "SELECT status, attempts FROM notices_notice WHERE id = %s", pk)
    return row[0], row[1]


def test_a_worker_killed_after_handing_over_the_e_mail_never_sends_it_again(
    site: Site, processes: Processes, smtp: tuple[HoldingServer, int]
) -> None:
    server, port = smtp
    email_url = f"smtp://127.0.0.1:{port}"
    db = site.cluster.connect()
    # The demo's own notices are not this test's: only the one queued below may go out.
    db.execute("UPDATE notices_notice SET status = 'cancelled' WHERE status = 'queued'")
    web = processes.app("web")
    assert web.answer()["ready"]
    sent = web.call(
        "http", method="post", path="/agreements/GF-2024-LEAP-FOR-LIFE/send/", user="handlaggare"
    )
    assert sent["ok"], sent
    assert sent["status"] == 302
    pk = one(db, "SELECT id FROM notices_notice WHERE status = 'queued'")
    assert notice(db, pk) == ("queued", 0)

    worker = Worker("mailer-1", site.env("mailer-1", EMAIL_URL=email_url), site.logs / "m1.log")
    processes.started.append(worker)
    wait_for(
        "the mail server to hold the whole message",
        lambda: worker.still_running() and len(server.received) == 1,
    )
    assert notice(db, pk) == ("sending", 1)  # claimed and committed before the hand-over
    worker.kill()
    server.release.set()
    assert server.received[0].rcpt_tos == ["leap-for-life@demo.example"]

    # A new worker, and the sweep the timers run, find nothing to send: the row stays
    # "sending" for staff to look at; the system never guesses.
    again = Worker("mailer-2", site.env("mailer-2", EMAIL_URL=email_url), site.logs / "m2.log")
    processes.started.append(again)
    swept = site.manage("send_notices", name="sweep", EMAIL_URL=email_url)
    assert "Sent 0 notices" in swept
    wait_for("the second worker to have started", again.still_running)
    assert notice(db, pk) == ("sending", 1)
    assert len(server.received) == 1
