"""Core behaviour: health check, security headers, error pages, sign-in, CSRF."""

from __future__ import annotations

from tests.factories import PASSWORD, UserFactory


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_login_and_logout(client, db):
    user = UserFactory(email="ada@example.org")
    response = client.post("/login", data={"email": "ADA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert user.display_name in page
    client.post("/logout")
    assert user.display_name not in client.get("/").get_data(as_text=True)


def test_wrong_password_keeps_email_and_says_why(client, db):
    UserFactory(email="ada@example.org")
    response = client.post("/login", data={"email": "ada@example.org", "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in page
    assert 'value="ada@example.org"' in page


def test_csrf_enforced_when_enabled(client, csrf_app, db):
    UserFactory(email="ada@example.org")
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)


def test_open_redirect_refused(client, db):
    UserFactory(email="ada@example.org")
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": "ada@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"
