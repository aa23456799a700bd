"""Absolute links for e-mails, always built on the BASE_URL setting (never the request's Host)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def email_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for an e-mail, on BASE_URL.

    A request's Host header is chosen by whoever sends it: a reset asked for with
    `Host: evil.example` must not mail a link (and its token) to that host.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
