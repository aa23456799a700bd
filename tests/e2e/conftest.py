"""Browser tests: a real server (gunicorn) on a free port with its own database, driven by
Playwright through Debian's Chromium. Playwright's own browser download is never used."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = ROOT / "test-results" / "screenshots"
DEMO_PASSWORD = "demo-password-123"
_skip_reason: list[str] = []


def chromium_path() -> str | None:
    candidates = (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser")
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e_items = [item for item in items if "tests/e2e/" in str(item.fspath).replace(os.sep, "/")]
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
    if e2e_items and chromium_path() is None:
        reason = "no Chromium found (install Debian's chromium or set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_E2E") == "1":
            raise pytest.UsageError(f"REQUIRE_E2E=1 but {reason}: browser tests cannot be skipped")
        _skip_reason.append(reason)
        for item in e2e_items:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skip_reason:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            "!!! The real-browser journeys and accessibility checks did NOT run: "
            f"{_skip_reason[0]}."
        )
        terminalreporter.write_line("!!! On Debian/Ubuntu: sudo apt-get install -y chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def e2e_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Its own database: a SQLite file, or a fresh PostgreSQL database on the PG run."""
    with fresh_database("consult_e2e", tmp_path_factory.mktemp("e2e")) as url:
        yield url


def serve(
    database: str, tmp_path_factory: pytest.TempPathFactory, demo: bool, migrate: bool = True
) -> tuple[subprocess.Popen[bytes], str]:
    """Migrate `database` (unless its tables exist), load the demo if asked, and serve it with
    gunicorn (2 workers) as in production, with its headers (CSP); returns server and URL."""
    port = _free_port()
    env = {
        **os.environ,
        # Links in e-mails are built on BASE_URL only: the journeys follow them to this server.
        "BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database,
        "FLASK_APP": "wsgi.py",
        "CONSULT_ENV": "development",
        "RATELIMIT_ENABLED": "false",
        "SECRET_KEY": "e2e-" + uuid.uuid4().hex,
    }
    bin_dir = Path(sys.executable).parent
    steps = [["db", "upgrade"]] if migrate else []
    for args in steps + ([["consult", "demo"]] if demo else []):
        subprocess.run(
            [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, check=True,
            capture_output=True, timeout=600,
        )  # fmt: skip
    log = (tmp_path_factory.mktemp("e2e-log") / "server.log").open("w")
    gunicorn = shutil.which("gunicorn", path=str(bin_dir)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    log.close()  # the server writes to its own copy of the file
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the e2e server did not start") from None
            time.sleep(0.2)
    return server, base


@pytest.fixture(scope="session")
def live_server(e2e_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate, load the demo, and serve with gunicorn (2 workers) as in production.

    E2E_BASE_URL=http://127.0.0.1:5000 runs the journeys against a server already running with
    the demo loaded (quicker while writing tests; the journeys change its data).
    """
    if os.environ.get("E2E_BASE_URL"):
        yield os.environ["E2E_BASE_URL"].rstrip("/")
        return
    server, base = serve(e2e_database, tmp_path_factory, demo=True)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Session:
    """One browser context (one person), with its CSP/console errors collected."""

    def __init__(self, browser: Any, base: str, javascript: bool = True) -> None:
        self.base = base
        self.context = browser.new_context(
            base_url=base, java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda msg: self.errors.append(msg.text) if msg.type == "error" else None,
        )
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(browser: Any, live_server: str) -> Iterator[Any]:
    """Factory of browser sessions: person() or person(javascript=False)."""
    sessions: list[Session] = []

    def _make(javascript: bool = True) -> Session:
        session = Session(browser, live_server, javascript=javascript)
        sessions.append(session)
        return session

    yield _make
    for session in sessions:
        # Strict CSP: any blocked inline script/style shows up as a console error.
        csp = [e for e in session.errors if "Content Security Policy" in e]
        session.close()
        assert not csp, f"CSP violations: {csp}"


def check_accessibility(page: Any, label: str) -> None:
    """Run axe-core (vendored) on the page; no serious or critical violations allowed.

    The script is evaluated through the DevTools protocol, so the page's strict CSP stays on.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})); }"
    )
    # No exception, not even GOV.UK Frontend's aria-expanded on radios (alphagov/govuk-frontend
    # #979): the sign-up form reveals its panels without it (static/js/consult.js).
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations on {label}: {bad}"


def screenshot(page: Any, name: str) -> None:
    """Save the page at desktop and phone widths into test-results/screenshots/ (git-ignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for width, height, suffix in ((1280, 900, "desktop"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{suffix}.png"), full_page=True)
    if original:
        page.set_viewport_size(original)


def sign_in(page: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
