"""Friendly error pages for 400/403/404/429/500 and CSRF failures."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("You do not have permission", "Your account may not see or do this."),
    404: ("Page not found", "If you typed the address, check it is correct."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    429: (
        "Too many attempts",
        "You have tried this too often in a short time. Wait a few minutes and try again.",
    ),
    500: ("Something went wrong", "The error has been logged. Try again in a few minutes."),
}


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, (f"Error {code}", ""))
    return render_template(
        "core/error.html", code=code, title=title, message=detail or message
    ), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        # A domain may rescue what was typed into a form whose session expired (e.g. a
        # comment): registered in app.extensions["consult_csrf_rescue"], first answer wins.
        for rescue in app.extensions.get("consult_csrf_rescue", []):
            response = rescue(error)
            if response is not None:
                return response
        return _render(
            400,
            "The form had expired or was sent from elsewhere, so nothing was saved. "
            "Go back, reload the page and send it again.",
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page template either.
        return "Bad request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        if error.code is None or error.code < 400 or error.code in {401}:
            return error
        return _render(error.code, error.description if error.code == 400 else None)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        from consult.extensions import db

        db.session.rollback()
        logger.exception("unhandled error")
        return _render(500)
