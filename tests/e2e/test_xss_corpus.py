"""XSS corpus: every payload of data/xss_payloads.txt is posted through the site's own forms (as
an attacker would: a page's form, its CSRF token, the role allowed to use it), then the pages
showing that text are loaded in Chromium under the real Content-Security-Policy; a dialog, a
script run or a CSP violation fails. A guard fails when a form's text field has no coverage."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.core import UnboundField

import consult
from consult import create_app
from consult.extensions import db as _db
from tests import factories
from tests.databases import fresh_database
from tests.e2e.conftest import serve
from tests.e2e.xss_forms import PAYLOADS
from tests.e2e.xss_store import Run, store

WATCH = """
window.__xss = window.__xss || 0;
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""

# Text fields that carry nothing anybody else is shown, each with why. Everything else must be
# posted with payloads by the run (tests/e2e/xss_store.py).
NO_HTML_TO_ANYONE = {
    # Passwords: hashed, never shown, and a PasswordField never renders its value back.
    "accounts.forms.ChangePasswordForm.current_password",
    "accounts.forms.ChangePasswordForm.password",
    "accounts.forms.ChangePasswordForm.password_confirm",
    "accounts.forms.LoginForm.password",
    "accounts.forms.ResetPasswordForm.password",
    "accounts.forms.ResetPasswordForm.password_confirm",
    "accounts.forms.SignupForm.password",
    "accounts.forms.SignupForm.password_confirm",
    "accounts.privacy_forms.ChangeEmailForm.password",
    "accounts.privacy_forms.DeleteAccountForm.password",
}
# Forms built per request (one field per commitment or item): their fields as the run names them.
PER_REQUEST_FIELDS = {
    "adoption.forms.PledgeForm.text_*",
    "adoption.forms.ProgressReportForm.text_*",
}


@pytest.fixture(scope="module")
def attack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Run, str]]:
    with fresh_database("consult_xss", tmp_path_factory.mktemp("xss")) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
        assert app.config.get("WTF_CSRF_ENABLED", True), "the attack reads real CSRF tokens"
        with app.app_context():
            _db.create_all()  # quicker than the migrations, which test_migrations covers
        run = store(app)
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        server, base = serve(url, tmp_path_factory, demo=False, migrate=False)
        try:
            yield run, base
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def text_fields() -> set[str]:
    """Every StringField (TextAreaField, EmailField, HiddenField...) of every FlaskForm."""
    for module in pkgutil.walk_packages(consult.__path__, "consult."):
        importlib.import_module(module.name)
    found: set[str] = set()
    pending: list[type] = [FlaskForm]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        module = importlib.import_module(cls.__module__)
        if (
            not cls.__module__.startswith("consult.")
            or getattr(module, cls.__name__, None) is not cls
        ):
            continue  # a class built per request: PER_REQUEST_FIELDS names its fields
        for name in dir(cls):
            value = getattr(cls, name, None)
            if isinstance(value, UnboundField) and issubclass(value.field_class, StringField):
                found.add(f"{cls.__module__.removeprefix('consult.')}.{cls.__name__}.{name}")
    return found | PER_REQUEST_FIELDS


def test_every_text_field_is_posted_with_payloads(attack: tuple[Run, str]) -> None:
    run, _ = attack
    fields = text_fields()
    assert not NO_HTML_TO_ANYONE - fields, "stale exemptions"
    missing = fields - set(run.posted) - NO_HTML_TO_ANYONE
    assert not missing, f"form fields the XSS corpus never posts: {sorted(missing)}"


def test_the_attack_met_no_server_error_and_no_live_markup(attack: tuple[Run, str]) -> None:
    run, _ = attack
    assert not run.problems, run.problems


def _bad(message: Any) -> bool:
    # A Markdown image of a payload (`![x](x)`) asks the site for "x": a 404, not a script.
    return bool(message.type == "error" and "Failed to load resource" not in message.text)


def _visit(browser: Any, base: str, email: str | None, pages: list[str]) -> list[str]:
    context = browser.new_context(base_url=base)
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog {d.message!r}"), d.dismiss()))
    page.on("pageerror", lambda exc: problems.append(f"page error {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.text}") if _bad(msg) else None)
    try:
        if email:
            page.goto("/login")
            page.get_by_label("E-mail address").fill(email)
            page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response)
            page.wait_for_timeout(50)  # autofocus and load handlers would have fired by now
            if page.evaluate("window.__xss"):
                problems.append(f"script ran on {path}")
            problems += [f"CSP {v} on {path}" for v in page.evaluate("window.__violations")]
    finally:
        context.close()
    return problems


def test_every_page_showing_the_payloads_stays_text(browser: Any, attack: tuple[Run, str]) -> None:
    run, base = attack
    echo = quote_plus(" ".join(PAYLOADS[:8]))
    searches = [f"/search?q={echo}", "/search?q=alert", "/search?q=onerror+script"]
    pages = dict(run.pages)
    pages["anonymous"] = ["/", *searches, *pages.get("anonymous", [])]
    problems: list[str] = []
    for role, paths in pages.items():
        email = None if role == "anonymous" else run.emails[role]
        problems += _visit(browser, base, email, paths)
    assert not problems, problems
    assert sum(len(paths) for paths in pages.values()) <= 80  # the test stays about a minute
