"""E-mail links are always built on BASE_URL, in a request (whatever its Host) or outside one."""

from __future__ import annotations

from consult.core.urls import email_url


def test_email_url_outside_a_request_uses_base_url(app):
    original = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://consult.example.eu"
    try:
        with app.app_context():
            assert email_url("groups.show_group", slug="governance") == (
                "https://consult.example.eu/groups/governance/"
            )
    finally:
        app.config["BASE_URL"] = original


def test_email_url_inside_a_request_ignores_its_host(app):
    original = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://consult.example.eu/sub"
    try:
        with app.test_request_context(base_url="https://evil.example"):
            assert email_url("drafts.home") == "https://consult.example.eu/sub/"
    finally:
        app.config["BASE_URL"] = original
