"""Configuration: Production refuses to start without a real secret and a database URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from consult import create_app


def test_production_refuses_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_short_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_missing_database(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_secure_cookies_and_hsts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/6")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["DEBUG"] is False
    response = app.test_client().get("/healthz", base_url="https://127.0.0.1")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_production_refuses_rate_limits_counted_per_worker(monkeypatch):
    """Issue 12, defect 10: in memory, each of N workers or hosts counts alone, so every
    limit allows N times as many attempts. Production needs the shared store."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app("production")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app("production")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/6")
    assert create_app("production").config["SESSION_COOKIE_SECURE"] is True  # starts


def test_proxy_count_trusts_forwarded_for(monkeypatch):
    app = create_app("testing", PROXY_COUNT=0)
    assert type(app.wsgi_app).__name__ != "ProxyFix"
    monkeypatch.setenv("PROXY_COUNT", "1")
    from config import Testing

    class Proxied(Testing):
        PROXY_COUNT = 1

    app = create_app(Proxied)
    assert type(app.wsgi_app).__name__ == "ProxyFix"


def test_production_refuses_hosts_other_than_the_configured_ones(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("RATELIMIT_ENABLED", "false")
    app = create_app("production", RATELIMIT_ENABLED=False)
    assert app.config["TRUSTED_HOSTS"] == ["127.0.0.1"]  # BASE_URL's host by default
    client = app.test_client()
    assert client.get("/healthz", base_url="https://127.0.0.1").status_code == 200
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400


def test_without_consult_env_start_up_refuses(monkeypatch):
    monkeypatch.delenv("CONSULT_ENV", raising=False)
    with pytest.raises(RuntimeError, match="CONSULT_ENV"):
        create_app()
    monkeypatch.setenv("CONSULT_ENV", "staging")
    with pytest.raises(RuntimeError, match="CONSULT_ENV"):
        create_app()


def test_only_an_explicit_development_run_gets_the_dev_secret_and_mailbox(monkeypatch):
    from config import DEV_SECRET, Production

    monkeypatch.setenv("CONSULT_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app(SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_ENABLED=False)
    assert app.config["DEV_MAILBOX"] is True
    assert app.config["SECRET_KEY"] == DEV_SECRET
    assert Production.DEV_MAILBOX is False
    assert Production.SECRET_KEY != DEV_SECRET


def test_base_url_follows_the_port_make_run_serves_on(monkeypatch):
    from config import default_base_url

    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5103")
    assert default_base_url() == "http://127.0.0.1:5103"
    monkeypatch.setenv("BASE_URL", "https://consult.example")
    assert default_base_url() == "https://consult.example"
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "export PORT" in makefile  # gunicorn and the app see the same port


def test_readme_production_section_names_every_scheduled_command():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    production = readme.split("## Production", 1)[1].split("\n## ", 1)[0]
    for command in (
        "send-mail",
        "send-digests",
        "send-deadline-reminders",
        "purge",
        "purge-attachments",
    ):
        assert f"flask consult {command}" in production
