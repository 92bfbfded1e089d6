"""The production stack on one machine (bin/serve, deploy/): what must hold when requests land
on different app servers, shown over real HTTP through nginx and to each gunicorn directly.

Sessions and rate-limit counters live in Redis, lockouts and everything else in PostgreSQL
through PgBouncer: so a login, its second step, a lockout, a rate limit and a saved change made
through one server hold on the other at once. Each test could fail: with the per-process cache
(no REDIS_URL) the rate limit is counted per worker, and a forged X-Forwarded-For sent straight
to an app server does change the address (the control in the lockout test).
"""

import hashlib
import io
import json
import re
import uuid
import zipfile

import pytest
import redis

from tests.faults.harness import wait_for
from tests.stack.client import Browser, Stack

pytestmark = pytest.mark.stack

OVERVIEW = "/budget/2025/"
EDITOR = "/budget/2025/grundfinansiering/allocations/"


def _total(page_text: str) -> int:
    found = re.search(r"Summa\s*</t[hd]>\s*<t[hd][^>]*>\s*([\d ]+) kr", page_text)
    assert found, "no Summa row on the overview"
    return int(found[1].replace(" ", ""))


def _upstream_ports(stack: Stack, method: str, path: str) -> list[int]:
    return [
        int(line["upstream"].rsplit(":", 1)[1])
        for line in stack.nginx_log()
        if line["method"] == method and line["path"] == path and ":" in line["upstream"]
    ]


def test_a_login_through_one_server_is_valid_on_the_other_second_step_too(stack: Stack) -> None:
    a, b = stack.app_ports
    browser = Browser()
    assert browser.log_in(a, "sekreterare").status == 302
    # B knows the session A made: it asks for the second step, not for a login.
    waiting = browser.get(b, OVERVIEW)
    assert (waiting.status, waiting.location) == (302, "/accounts/2fa/?next=%2Fbudget%2F2025%2F")
    assert Browser().get(b, OVERVIEW).location.startswith("/accounts/login/")  # the control

    done = browser.second_step(b)
    assert (done.status, done.location) == (302, "/")
    for port in (a, b, stack.port):
        page = browser.get(port, OVERVIEW)
        assert page.status == 200, (port, page.status, page.location)
        assert "Demo Sekreterare" in page.text()

    # Read from the shared cache (cached_db): the session is there under this site's prefix.
    prefix = (stack.serve_dir / "stack" / "cache-prefix").read_text().strip()
    key = f"{prefix}:1:django.contrib.sessions.cached_db{browser.cookies['sessionid']}"
    assert redis.Redis.from_url("redis://127.0.0.1:6379/0").exists(key)

    logged_out = browser.post(a, "/accounts/logout/", {"csrfmiddlewaretoken": page.csrf_token()})
    assert logged_out.status == 302
    assert browser.get(b, OVERVIEW).location.startswith("/accounts/login/")


def test_a_change_saved_through_one_server_is_seen_at_once_on_the_other(stack: Stack) -> None:
    a, b = stack.app_ports
    official = Browser()
    assert official.log_in(stack.port, "handlaggare").status == 302
    assert official.second_step(stack.port).status == 302
    before = {port: _total(official.get(port, OVERVIEW).text()) for port in (a, b)}
    assert before[a] == before[b]  # both have rendered, and cached, the overview

    editor = official.get(b, EDITOR)
    assert editor.status == 200
    amounts = editor.fields("amount_")
    first = sorted(amounts)[0]
    data = {
        "csrfmiddlewaretoken": editor.csrf_token(),
        **{name: value.replace(" ", "") for name, value in amounts.items()},
        **editor.fields("version_"),
        "reason": "Stacktest: ändrat på en server, läst på den andra.",
        "save": "",
    }
    data[first] = str(int(data[first]) - 50_000)
    saved = official.post(a, EDITOR, data)
    assert saved.status == 302, saved.text()[:2000]

    for port in (b, a, stack.port):
        assert _total(official.get(port, OVERVIEW).text()) == before[a] - 50_000, port


def test_throttling_counts_the_client_nginx_saw_across_both_servers(stack: Stack) -> None:
    a, b = stack.app_ports
    attacker = Browser()
    token = attacker.get(stack.port, "/accounts/login/").csrf_token()
    wrong = {"csrfmiddlewaretoken": token, "username": "admin", "password": "wrong-password"}
    statuses = [attacker.post(stack.port, "/accounts/login/", wrong).status for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # AXES_FAILURE_LIMIT: the fifth locks out
    # nginx sent the failures to both app servers (round robin), and they counted together.
    assert set(_upstream_ports(stack, "POST", "/accounts/login/")) == {a, b}

    right = {**wrong, "password": "halland-demo"}
    forged = {"X-Forwarded-For": "203.0.113.7"}
    for port in (stack.port, stack.port):  # twice through nginx: to one server, then the other
        locked = attacker.post(port, "/accounts/login/", right, headers=forged)
        assert locked.status == 429, locked.status  # nginx overwrote the forged address
    # The control: the same header, as if from the proxy (the app server reached directly
    # from its address), is another client, which is not locked out.
    other = attacker.post(a, "/accounts/login/", right, headers=forged)
    assert (other.status, other.location) == (302, "/")

    # The reset form's limit (5 per client and 15 minutes) is counted in the shared cache.
    visitor = Browser()
    reset = "/accounts/password/reset/"
    token = visitor.get(stack.port, reset).csrf_token()
    data = {"csrfmiddlewaretoken": token, "email": "nobody@example.se"}
    statuses = [visitor.post(port, reset, data).status for port in (a, b, a, b, a)]
    assert 429 not in statuses, statuses
    assert [visitor.post(port, reset, data).status for port in (b, a)] == [429, 429]
    assert visitor.post(stack.port, reset, data, headers=forged).status == 429


def test_nginx_request_ids_are_in_its_log_and_the_app_servers(stack: Stack) -> None:
    forged = "client-chosen-" + uuid.uuid4().hex
    missing = Browser().get(stack.port, "/no-such-page/", headers={"X-Request-ID": forged})
    assert missing.status == 404
    request_id = missing.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id  # nginx's own, not the client's

    # Each log line is written as the request ends, just after the response was sent.
    nginx = wait_for(
        "nginx's access log line",
        lambda: [line for line in stack.nginx_log() if line["request_id"] == request_id],
        timeout=10,
    )
    assert [(line["path"], line["status"]) for line in nginx] == [("/no-such-page/", 404)]
    app = wait_for(
        "the app server's log lines",
        lambda: len(lines := stack.lines_with(request_id)) == 2 and lines,
        timeout=10,
    )
    assert {line["logger"] for line in app} == {"gunicorn.access", "django.request"}, app
    assert forged not in stack.log.read_text()


def test_a_stored_pdf_is_sent_by_nginx_only_after_the_app_checked_access(stack: Stack) -> None:
    a, _ = stack.app_ports
    url = "/agreements/GF-2024-COOMPANION/pdf/"
    partner = Browser()
    assert partner.log_in(stack.port, "coompanion").status == 302
    pdf = partner.get(stack.port, url)
    assert pdf.status == 200
    digest = hashlib.sha256(pdf.content).hexdigest()
    assert pdf.headers["X-Content-SHA256"] == digest
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith('attachment; filename="GF-2024-COOMPANION')
    assert {"private", "no-store"} <= {d.strip() for d in pdf.headers["Cache-Control"].split(",")}
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    stored = list((stack.serve_dir / "serve-media").rglob(f"*-{digest[:12]}.pdf"))
    assert len(stored) == 1
    assert stored[0].read_bytes() == pdf.content

    # The app server sent the headers only; nginx sent the stored file.
    direct = partner.get(a, url)
    assert (direct.status, direct.content) == (200, b"")
    name = stored[0].relative_to(stack.serve_dir / "serve-media").as_posix()
    assert direct.headers["X-Accel-Redirect"] == f"/_documents/{name}"

    # No access, no document: nginx's internal location answers nobody directly.
    assert Browser().get(stack.port, url).location.startswith("/accounts/login/")
    other = Browser()
    assert other.log_in(stack.port, "highfive").status == 302
    assert other.get(stack.port, url).status == 404
    for who in (partner, Browser()):
        refused = who.get(stack.port, f"/_documents/{name}")
        assert refused.status == 404
        assert not refused.content.startswith(b"%PDF")


def test_an_archive_bundle_asked_for_on_one_server_is_built_by_the_worker(stack: Stack) -> None:
    a, b = stack.app_ports
    secretary = Browser()
    assert secretary.log_in(a, "sekreterare").status == 302
    assert secretary.second_step(a).status == 302
    index = secretary.get(a, "/archive/")
    year = re.search(r'<option value="(\d+)"[^>]*>\s*2024', index.body)
    assert year, "no 2024 in the budget year choice"
    asked = secretary.post(
        a, "/archive/", {"csrfmiddlewaretoken": index.csrf_token(), "budget_year": year[1]}
    )
    assert asked.status == 302
    detail = asked.location

    # The task worker (through PgBouncer) builds it; the other app server shows it done.
    done = wait_for(
        "the worker to build the bundle",
        lambda: "/download/" in (page := secretary.get(b, detail)).body and page,
        timeout=60,
    )
    sha256 = re.search(r"SHA-256 <code>([0-9a-f]{64})</code>", done.body)
    assert sha256
    zipped = secretary.get(stack.port, f"{detail}download/")
    assert zipped.status == 200
    assert zipped.headers["Content-Type"] == "application/zip"
    assert hashlib.sha256(zipped.content).hexdigest() == sha256[1]
    assert zipped.headers["X-Content-SHA256"] == sha256[1]
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as bundle:
        assert bundle.testzip() is None
        assert any(n.startswith("overenskommelser/GF-2024-") for n in bundle.namelist())
    assert secretary.get(b, f"{detail}download/").headers["X-Accel-Redirect"].endswith(".zip")


def test_gunicorn_logs_json_readiness_answers_and_metrics_stay_inside(stack: Stack) -> None:
    a, b = stack.app_ports
    # gunicorn's error log (its masters' and workers' own lines) is JSON like every other line.
    text = stack.log.read_text()
    assert not re.search(r"^\[\d{4}-\d\d-\d\d [^]]*\] \[\d+\] \[[A-Z]+\]", text, re.MULTILINE)
    booted = [
        line
        for line in stack.json_lines(stack.log)
        if line.get("logger") == "gunicorn.error" and "Booting worker" in line["message"]
    ]
    assert len(booted) >= 4, booted  # two workers on each of two app servers

    ready = Browser().get(stack.port, "/readyz")
    assert ready.status == 200, ready.body
    report = json.loads(ready.body)
    assert (report["database"], report["cache"], report["storage"]) == ("ok", "ok", "ok")
    assert report["worker"] in ("ok", "never seen"), report  # its first heartbeat may be queued

    # Metrics: each app server to the monitoring address, all its workers added up; never
    # through nginx, which would make every client look like the trusted local address.
    assert Browser().get(stack.port, "/metrics").status == 404
    for port in (a, b):
        scraped = Browser().get(port, "/metrics")
        assert scraped.status == 200
        assert 'halland_http_requests_total{method="GET",route="healthz",status="200"}' in (
            scraped.body
        )
        assert 'halland_notices{status="queued"}' in scraped.body
