"""Security: headers, CSRF on every account form, no inline script/style, cookies, dev mailbox."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from config import DEV_SECRET, Production
from consult.accounts.models import User
from consult.core import outbox
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, category

PAGES = ["/", "/login", "/signup", "/reset", "/no/such/page", "/healthz"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # only when served over HTTPS


def test_hsts_when_cookies_are_secure(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert "max-age=31536000" in client.get("/").headers["Strict-Transport-Security"]


def test_session_cookie_flags(client, db):
    UserFactory(email="ada@example.org")
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_settings_and_refusals(monkeypatch):
    assert Production.SESSION_COOKIE_SECURE and Production.REMEMBER_COOKIE_SECURE
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/consult")
    for secret in ("", DEV_SECRET, "too-short"):
        monkeypatch.setenv("SECRET_KEY", secret)
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            Production.validate()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/6")
    Production.validate()
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        Production.validate()


def csrf_token(client, url):
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, page
    return match.group(1)


def users():
    from consult.extensions import db

    return db.session.scalar(select(func.count(User.id)))


SIGNUP = {
    "email": "nadia@example.org",
    "display_name": "Nadia Petrova",
    "password": "violet-kettle-7-harbour",
    "password_confirm": "violet-kettle-7-harbour",
    "affiliation": "independent",
}


def test_signup_without_csrf_token_stores_nothing(client, csrf_app, db):
    data = {**SIGNUP, "expert_category": str(category("academia").id)}
    response = client.post("/signup", data=data)
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    assert users() == 0
    response = client.post("/signup", data={**data, "csrf_token": "forged"})
    assert response.status_code == 400 and users() == 0
    # With the token from the form, the same data goes through.
    data["csrf_token"] = csrf_token(client, "/signup")
    assert client.post("/signup", data=data).status_code == 302
    assert users() == 1


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/reset", {"email": "ada@example.org"}),
        ("/verify/resend", {"email": "ada@example.org"}),
        ("/me/profile", {"display_name": "X", "notify_mode": "none"}),
        ("/me/password", {"current_password": PASSWORD, "password": "a-new-long-phrase-9"}),
        ("/logout", {}),
    ],
)
def test_account_forms_refuse_missing_csrf(client, csrf_app, login_as, url, data):
    user = login_as("stakeholder")
    name = user.display_name
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert user.display_name == name and user.notify_mode == "immediate"
    assert outbox.db.session.scalars(select(outbox.OutboxMessage)).all() == []


def test_admin_and_pact_forms_refuse_missing_csrf(client, csrf_app, login_as):
    login_as("admin")
    organisation = OrganisationFactory(pact_status="pillar_i")
    target = UserFactory()
    for url in (
        f"/admin/users/{target.id}/grant-admin",
        f"/admin/organisations/{organisation.id}/verify-pact",
        f"/organisations/{organisation.id}/pact",
        "/admin/categories",
    ):
        assert client.post(url, data={"status": "none", "name": "X"}).status_code == 400
    assert not target.is_admin
    assert organisation.pact_status == "pillar_i" and organisation.pact_verified_at is None


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on*= handler"),
    (re.compile(r"<style", re.I), "<style> element"),
]


def test_account_and_admin_pages_have_no_inline_code_and_unique_ids(client, login_as):
    organisation = OrganisationFactory(pact_status="pillar_ii")
    pages = [
        "/signup",
        "/login",
        "/reset",
        "/verify/bad-token",
        f"/organisations/{organisation.id}",
    ]
    signed_in = ["/me/profile", f"/organisations/{organisation.id}/pact"]
    admin = ["/admin/", "/admin/users", "/admin/organisations", "/admin/categories", "/admin/audit"]
    admin += [f"/admin/organisations/{organisation.id}", f"/admin/users/{UserFactory().id}"]
    checked = 0
    for role, urls in (
        ("visitor", pages),
        ("unverified", signed_in[:1]),
        ("admin", signed_in + admin),
    ):
        login_as(role)
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            for pattern, what in INLINE:
                assert not pattern.search(html), f"{what} on {url}"
            assert html.count("<h1") == 1, url
            ids = re.findall(r'\sid="([^"]+)"', html)
            assert len(ids) == len(set(ids)), f"duplicate id on {url}"
            checked += 1
    assert checked == 15


def test_dev_mailbox_only_when_enabled(app, client, db, monkeypatch):
    UserFactory(email="ada@example.org")
    client.post("/reset", data={"email": "ada@example.org"})
    page = client.get("/dev/mailbox").get_data(as_text=True)
    assert "Reset your password" in page and 'href="http://localhost/reset/' in page
    monkeypatch.setitem(app.config, "DEV_MAILBOX", False)
    assert client.get("/dev/mailbox").status_code == 404
