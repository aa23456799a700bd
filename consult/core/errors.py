"""Friendly error pages for 400/403/404/429/500 and CSRF failures."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from consult.core import i18n
from consult.core.lazytext import lazy_gettext as _l

logger = logging.getLogger(__name__)

# Long text a person typed: shown again, editable, on the 503 page (the rest goes back hidden).
TYPED_FIELDS = frozenset({"body", "proposed_text", "quote", "rationale", "reason", "note"})

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("You do not have permission"), _l("Your account may not see or do this.")),
    404: (_l("Page not found"), _l("If you typed the address, check it is correct.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried this too often in a short time. Wait a few minutes and try again."),
    ),
    500: (_l("Something went wrong"), _l("The error has been logged. Try again in a few minutes.")),
}


# The database is restarting, refusing or dropping connections, or every pooled connection is
# busy: the request may succeed in a moment, so the answer is 503 "try again", never a 500.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
)
UNAVAILABLE_FLAG = "_consult_database_unavailable"


def is_database_unavailable(error: BaseException | None) -> bool:
    if isinstance(error, UNAVAILABLE_ERRORS):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    g.error_page = True  # the language links then name no address (see i18n.language_links)
    title, message = MESSAGES.get(code, (_("Error %(code)s", code=code), ""))
    return render_template(
        "core/error.html", code=code, title=title, message=detail or message
    ), code


def unavailable_page() -> str:
    """The 503 page; what was posted comes back in a form that sends it again."""
    fields: list[tuple[str, str]] = []
    hidden: list[tuple[str, str]] = []
    if request.method == "POST":
        for name, value in request.form.items(multi=True):
            if name in TYPED_FIELDS:
                fields.append((name, value))
            elif not name.startswith("submit"):
                hidden.append((name, value))
    # The profile's language cannot be read without the database: the request's is used.
    g.locale_override = i18n.visitor_locale()
    return render_template(
        "core/unavailable.html", fields=fields, hidden=hidden, action=request.full_path.rstrip("?")
    )


def _forget_the_user() -> None:
    """From here on the request must not touch the database: rendering the 503 page runs
    Flask-Login's context processor (which loads the user again if loading them is what failed)
    and the locale selector (which reads the user's language from a now expired row)."""
    from consult.extensions import db, login_manager

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool discards it
        logger.debug("rollback after a database error failed", exc_info=True)
    g._login_user = login_manager.anonymous_user()
    g.setdefault(UNAVAILABLE_FLAG, True)


def database_unavailable(error: BaseException) -> tuple[str, int, dict[str, str]]:
    """The 503 page for a database that cannot answer now; what was posted is kept."""
    _forget_the_user()
    logger.warning("database unavailable: %s", error)
    return unavailable_page(), 503, {"Retry-After": "5"}


def _unless_database_down(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An error page that itself needs the database (the site's layout loads the signed-in
    user; the CSRF rescue stores what was typed) answers 503 if the database is down."""

    @wraps(handler)
    def guarded(error: Any) -> Any:
        try:
            return handler(error)
        except Exception as failure:
            if is_database_unavailable(failure):
                return database_unavailable(failure)
            raise

    return guarded


def close_session_whatever_the_database_does(_error: BaseException | None = None) -> None:
    """End the request's session; a connection the server dropped after the answer was made
    must not turn that answer into a bare 500.

    Closing rolls back the open transaction. If PostgreSQL restarted between the request's last
    query and this clean-up, the ROLLBACK itself fails ("terminating connection due to
    administrator command"), and an exception raised in teardown escapes Flask's error
    handling: gunicorn answers a bare 500 to a request whose page was already built. The server
    has ended that transaction anyway, so the failure is logged and the session discarded.
    """
    from consult.extensions import db

    try:
        db.session.remove()
    except DBAPIError as error:
        logger.warning("the database went away while the session was closed: %s", error)
        with contextlib.suppress(DBAPIError):  # nothing left to release
            db.session.registry().invalidate()
        db.session.registry.clear()


def register_error_handlers(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's own remove(), so it runs first (teardowns run in
    # reverse order); the later remove() then finds no session.
    app.teardown_appcontext(close_session_whatever_the_database_does)

    @app.teardown_request
    def _forget_anonymous_stand_in(_error: BaseException | None = None) -> None:
        # Tests send several requests in one app context: the stand-in must not outlive one.
        if g.pop(UNAVAILABLE_FLAG, None):
            g.pop("_login_user", None)

    @app.errorhandler(CSRFError)
    @_unless_database_down
    def csrf_error(error: CSRFError) -> Any:
        # A domain may rescue what was typed into a form whose session expired (e.g. a
        # comment): registered in app.extensions["consult_csrf_rescue"], first answer wins.
        for rescue in app.extensions.get("consult_csrf_rescue", []):
            response = rescue(error)
            if response is not None:
                return response
        return _render(
            400,
            _(
                "The form had expired or was sent from elsewhere, so nothing was saved. "
                "Go back, reload the page and send it again."
            ),
        )

    def _other_renderer(error: Exception) -> Any:
        # An area with its own error format (the JSON API under /api/) registers a renderer in
        # app.extensions["consult_error_renderers"]: first answer that is not None wins.
        for renderer in app.extensions.get("consult_error_renderers", []):
            response = renderer(error)
            if response is not None:
                return response
        return None

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page template either.
        return "Bad request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    @_unless_database_down
    def http_error(error: HTTPException) -> Any:
        if isinstance(error, InternalServerError) and is_database_unavailable(
            error.original_exception
        ):
            # Raised inside another error handler (Flask wraps it in a 500): still a 503.
            return database_unavailable(error.original_exception)  # type: ignore[arg-type]
        other = _other_renderer(error)
        if other is not None:
            return other
        if error.code is None or error.code < 400 or error.code in {401}:
            return error
        return _render(error.code, error.description if error.code == 400 else None)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(DisconnectionError)
    @app.errorhandler(PoolTimeoutError)
    def database_error(error: Exception) -> Any:
        if not is_database_unavailable(error):
            return server_error(error)  # a real bug (an integrity error, a bad query): a 500
        return database_unavailable(error)

    @app.errorhandler(Exception)
    @_unless_database_down
    def server_error(error: Exception) -> Any:
        from consult.extensions import db

        db.session.rollback()
        logger.exception("unhandled error")
        other = _other_renderer(error)
        if other is not None:
            return other
        return _render(500)
