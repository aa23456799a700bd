"""Locust users for one benchmark endpoint at a time (bench/run.py starts Locust headless).

The endpoint comes from the BENCH_TARGET environment variable (JSON):
  {"name": "thread", "method": "GET", "path": "/docs/...", "accounts": ["a@b", ...],
   "password": "...", "form_path": "/docs/.../c2/", "max_requests": 2000}
Every simulated user signs in first when accounts are given (one account per user, round
robin), keeps its session cookie itself (see bench/webclient.py: production cookies are
Secure, the benchmark speaks HTTP) and then requests the endpoint with no think time.
POST targets fetch the CSRF token from the form page once, then post comments.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import Any

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

from bench.webclient import csrf_token, session_from

TARGET: dict[str, Any] = json.loads(os.environ.get("BENCH_TARGET", "{}") or "{}")
_accounts = itertools.cycle(TARGET.get("accounts") or [None])
_sent = itertools.count(1)


class EndpointUser(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.session: str | None = None
        self.signed_in = False
        self.token = ""
        self.serial = 0
        account = next(_accounts)
        if account:
            self._sign_in(account)
        if TARGET.get("method") == "POST":
            self.token = csrf_token(self._call("GET", TARGET["form_path"], name="(form)"))

    def _sign_in(self, account: str) -> None:
        # Simultaneous sign-ins can collide on SQLite ("database is locked", a 500): the
        # simulated person tries again, as a real one would; the failures stay in the stats.
        for attempt in range(5):
            page = self._call("GET", "/login", name="(sign-in)")
            form = {
                "csrf_token": csrf_token(page),
                "email": account,
                "password": TARGET["password"],
            }
            self._call("POST", "/login", name="(sign-in)", data=form)
            if self.signed_in:
                return
            time.sleep(0.2 * (attempt + 1))
        raise StopUser()

    def _call(self, method: str, path: str, name: str, data: dict | None = None) -> str:
        headers = {"Cookie": f"session={self.session}"} if self.session else {}
        with self.client.request(
            method, path, name=name, data=data, headers=headers,
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            self._keep_cookie(response)
            if name == "(sign-in)" and method == "POST":
                self.signed_in = response.status_code in (302, 303)
            if response.status_code >= 400:
                response.failure(f"{method} {path}: {response.status_code}")
            else:
                response.success()
            return response.text or ""

    def _keep_cookie(self, response: Any) -> None:
        self.client.cookiejar.clear()  # only our own copy of the cookie is ever sent
        headers = response.headers
        values = headers.get_all("Set-Cookie") if hasattr(headers, "get_all") else None
        if values is None:
            raw = headers.get("Set-Cookie")
            values = [raw] if raw else []
        new = session_from(values)
        if new is not None:
            self.session = new or None

    @task
    def hit(self) -> None:
        if next(_sent) > int(TARGET.get("max_requests", 10**9)):
            raise StopUser()
        method = TARGET.get("method", "GET")
        headers = {"Cookie": f"session={self.session}"} if self.session else {}
        data = None
        expected: tuple[int, ...] = (200,)
        if method == "POST":
            self.serial += 1
            data = {
                "csrf_token": self.token,
                "body": f"Benchmark comment {self.serial}: the measure should say who reviews "
                "the documentation, how often, and what downstream providers may request.",
                "kind": "general",
            }
            expected = (302, 303)
        with self.client.request(
            method, TARGET["path"], name=TARGET["name"], data=data, headers=headers,
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code in expected:
                response.success()
            else:
                response.failure(f"status {response.status_code}")
