"""Absolute links for e-mails, in a request (its host) or outside one (BASE_URL, e.g. cron)."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for


def email_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for an e-mail; outside a request it is built on the BASE_URL setting."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
