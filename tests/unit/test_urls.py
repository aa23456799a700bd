"""E-mail links are absolute inside a request and, outside one (cron), built on BASE_URL."""

from __future__ import annotations

from consult.core.urls import email_url


def test_email_url_outside_a_request_uses_base_url(app):
    app.config["BASE_URL"] = "https://consult.example.eu"
    try:
        with app.app_context():
            assert email_url("groups.show_group", slug="governance") == (
                "https://consult.example.eu/groups/governance/"
            )
    finally:
        app.config["BASE_URL"] = "http://127.0.0.1:5000"


def test_email_url_inside_a_request_uses_its_host(app):
    with app.test_request_context(base_url="https://public.example.org"):
        assert email_url("drafts.home") == "https://public.example.org/"
