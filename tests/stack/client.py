"""A plain HTTP client for the stack test: one browser's cookies, sent to whichever server
(nginx or an app server directly) a request names, as a browser would across servers that
share a host name. No redirect is followed: each hop is looked at."""

import base64
import http.client
import json
import re
import subprocess
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django_otp.oath import totp

from demo.facts import PASSWORD, TOTP_SECRET
from tests.faults.harness import Cluster

NBSP = "\u00a0"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    content: bytes

    @property
    def body(self) -> str:
        return self.content.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def text(self) -> str:
        """The body with no-break spaces as plain spaces."""
        return self.body.replace(NBSP, " ").replace("&nbsp;", " ")

    def csrf_token(self) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.body)
        assert found, f"no CSRF token in a {self.status} page"
        return found[1]

    def fields(self, prefix: str) -> dict[str, str]:
        """The form's inputs whose names start with `prefix`, with their values."""
        found = re.findall(rf'<input[^>]*name="({prefix}[^"]*)"[^>]*value="([^"]*)"', self.body)
        return dict(found)


_used_steps: dict[str, int] = {}


def _unused_code(username: str) -> str:
    """A code a device takes: each is taken once (django-otp remembers the last time step), and
    one a step ahead is taken too (tolerance 1), so a second login within 30 s need not wait."""
    now = int(time.time()) // 30
    drift = 0 if _used_steps.get(username, -1) < now else 1
    assert _used_steps.get(username, -1) < now + drift, "three logins within 30 s"
    _used_steps[username] = now + drift
    return f"{totp(base64.b32decode(TOTP_SECRET), drift=drift):06d}"


@dataclass
class Browser:
    cookies: dict[str, str] = field(default_factory=dict)
    username: str = ""

    def request(
        self,
        port: int,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"http://127.0.0.1:{port}"
            sent["Referer"] = f"http://127.0.0.1:{port}{path}"
        try:
            conn.request(method, path, body=body, headers=sent)
            answer = conn.getresponse()
            content = answer.read()
        finally:
            conn.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, content)

    def get(self, port: int, path: str, **kwargs: Any) -> Response:
        return self.request(port, "GET", path, **kwargs)

    def post(self, port: int, path: str, data: dict[str, str], **kwargs: Any) -> Response:
        return self.request(port, "POST", path, data=data, **kwargs)

    def log_in(self, port: int, username: str, password: str = PASSWORD) -> Response:
        self.username = username
        token = self.get(port, "/accounts/login/").csrf_token()
        data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        return self.post(port, "/accounts/login/", data)

    def second_step(self, port: int) -> Response:
        """The demo staff's code from the authenticator app (the published demo secret)."""
        page = self.get(port, "/accounts/2fa/")
        assert page.status == 200, (page.status, page.location)
        code = _unused_code(self.username)
        data = {"csrfmiddlewaretoken": page.csrf_token(), "otp_token": code, "next": "/"}
        return self.post(port, "/accounts/2fa/", data)


@dataclass
class Stack:
    port: int  # nginx
    app_ports: tuple[int, int]  # the two gunicorn app servers, reached directly
    serve_dir: Path
    log: Path
    postgres: Cluster  # the stack's own PostgreSQL server, behind PgBouncer

    def wait_until_healthy(self, serve: subprocess.Popen[bytes], *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = [self.port, *self.app_ports]
        while waiting:
            if serve.poll() is not None:
                raise AssertionError(f"bin/serve stopped:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no /healthz on {waiting} in {timeout} s:\n{self.log_tail()}")
            try:
                if Browser().get(waiting[0], "/healthz").status == 200:
                    waiting.pop(0)
                    continue
            except OSError:
                pass
            time.sleep(0.5)

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text().splitlines()[-lines:])

    def json_lines(self, path: Path) -> list[dict[str, Any]]:
        lines = []
        for line in path.read_text().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
        return lines

    def nginx_log(self) -> list[dict[str, Any]]:
        return self.json_lines(self.serve_dir / "stack" / "nginx-access.log")

    def lines_with(self, request_id: str) -> list[dict[str, Any]]:
        """The JSON lines bin/serve's processes (gunicorn's access log, Django's) wrote for
        one request."""
        return [line for line in self.json_lines(self.log) if line.get("request_id") == request_id]
