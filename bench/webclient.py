"""HTTP helpers shared by the runner and the Locust file: session cookie, CSRF token, sign-in.

Production cookies are `Secure`, and the benchmark talks plain HTTP to gunicorn on localhost
(TLS ends at the load balancer in production). Browsers and cookie jars refuse to send Secure
cookies over HTTP, so the benchmark keeps the session cookie itself and sends it back: the
server sees exactly what it would see behind TLS termination, and nothing in the app changes.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from urllib.parse import urlencode

SESSION_COOKIE = re.compile(r"(?:^|[\s,])session=([^;]*)")
CSRF_INPUT = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")


def session_from(set_cookie_headers: list[str]) -> str | None:
    """The new session cookie value from Set-Cookie headers; "" if the server cleared it."""
    found = None
    for header in set_cookie_headers:
        match = SESSION_COOKIE.search(header)
        if match:
            found = match.group(1)
    return found


def csrf_token(page: str) -> str:
    """The CSRF token of the first form on the page (Flask-WTF: one token per session)."""
    match = CSRF_INPUT.search(page)
    value = VALUE.search(match.group(0)) if match else None
    if value is None:
        raise ValueError("no csrf_token input on the page")
    return html.unescape(value.group(1))


class Client:
    """A tiny HTTP client for probes and timed downloads, with the session cookie kept."""

    def __init__(self, host: str, port: int, timeout: float = 120.0) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.session: str | None = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Cookie": f"session={self.session}"} if self.session else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            new = session_from(response.headers.get_all("Set-Cookie") or [])
            if new is not None:
                self.session = new or None
            return response.status, dict(response.headers.items()), data
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path)

    def sign_in(self, email: str, password: str, attempts: int = 5) -> None:
        """Sign in, trying again after a server error (SQLite: "database is locked")."""
        status = 0
        for attempt in range(attempts):
            status, _headers, page = self.get("/login")
            if status != 200:
                raise RuntimeError(f"GET /login answered {status}")
            form = {"csrf_token": csrf_token(page.decode()), "email": email, "password": password}
            status, _headers, _body = self.request("POST", "/login", form)
            if status in (302, 303):
                return
            if status < 500:
                break
            time.sleep(0.2 * (attempt + 1))
        raise RuntimeError(f"signing in as {email} failed ({status})")
