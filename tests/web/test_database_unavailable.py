"""A database that cannot be reached (restarting, refusing connections, dropping them) answers the
503 "try again" page, never a bare 500, and keeps what was being posted (issue 12, defect 9)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from consult import create_app


def _unreachable_url(tmp_path: Path) -> str:
    """A URL of the kind under test whose server is not there."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        # Nothing listens on port 1: every connection attempt is refused at once.
        return "postgresql+psycopg://postgres@127.0.0.1:1/consult?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'missing-folder' / 'consult.sqlite'}"


@pytest.fixture
def down_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=_unreachable_url(tmp_path))
    app.config["WTF_CSRF_ENABLED"] = False
    yield app
    from consult.extensions import db

    with app.app_context():
        db.engine.dispose()


def _signed_in(app: Flask) -> Any:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:nonce"  # loading this user is the request's first query
        session["_fresh"] = True
    return client


def test_a_page_while_the_database_is_down_is_503_for_visitors(down_app: Flask):
    response = down_app.test_client().get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "try again in a moment" in response.get_data(as_text=True)


def test_a_page_while_the_database_is_down_is_503_for_a_signed_in_person(down_app: Flask):
    response = _signed_in(down_app).get("/groups/")
    assert response.status_code == 503
    assert "try again in a moment" in response.get_data(as_text=True)


def test_a_comment_posted_while_the_database_is_down_is_kept(down_app: Flask):
    response = _signed_in(down_app).post(
        "/docs/code/v2/c1/", data={"body": "My <careful> comment.", "kind": "general"}
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "My &lt;careful&gt; comment." in page
    assert 'action="/docs/code/v2/c1/"' in page


def test_an_expired_form_while_the_database_is_down_is_503_and_kept(down_app: Flask):
    down_app.config["WTF_CSRF_ENABLED"] = True
    response = down_app.test_client().post(
        "/docs/code/v2/c1/", data={"body": "Typed before the session expired.", "kind": "general"}
    )
    assert response.status_code == 503
    assert "Typed before the session expired." in response.get_data(as_text=True)


def _raise(error: Exception) -> Any:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    "error",
    [
        pytest.param("interface", id="InterfaceError"),
        pytest.param("disconnection", id="DisconnectionError"),
        pytest.param("pool_timeout", id="pool TimeoutError"),
        pytest.param("invalidated", id="DBAPIError with the connection invalidated"),
    ],
)
def test_every_kind_of_lost_database_is_503_with_the_comment_kept(
    client: Any, login_as: Any, db: Any, monkeypatch: Any, error: str
):
    from sqlalchemy import exc

    from consult.comments import services
    from tests.web.test_moderation_support import build_consultation

    failures = {
        "interface": exc.InterfaceError("INSERT", {}, Exception("connection already closed")),
        "disconnection": exc.DisconnectionError("the pool's ping found the connection dead"),
        "pool_timeout": exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        "invalidated": exc.DBAPIError(
            "INSERT", {}, Exception("server closed the connection"), connection_invalidated=True
        ),
    }
    c = build_consultation(comments=0)
    login_as("stakeholder")
    db.session.commit()
    monkeypatch.setattr(services, "create_comment", _raise(failures[error]))
    key = c.sections[0].provision.key
    response = client.post(c.url(f"{key}/"), data={"body": "Kept for later.", "kind": "general"})
    assert response.status_code == 503
    assert "Kept for later." in response.get_data(as_text=True)
    # The request after it is served normally, as the person it was sent by.
    assert client.get(c.url(f"{key}/")).status_code == 200


def test_an_integrity_error_is_not_dressed_up_as_unavailable(
    client: Any, login_as: Any, db: Any, monkeypatch: Any
):
    """Only a database that cannot answer gets "try again"; a bug stays a logged 500."""
    from sqlalchemy import exc

    from consult.comments import services
    from tests.web.test_moderation_support import build_consultation

    c = build_consultation(comments=0)
    login_as("stakeholder")
    db.session.commit()
    failure = exc.IntegrityError("INSERT", {}, Exception("duplicate key"))
    monkeypatch.setattr(services, "create_comment", _raise(failure))
    key = c.sections[0].provision.key
    response = client.post(c.url(f"{key}/"), data={"body": "x", "kind": "general"})
    assert response.status_code == 500


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="a server-side connection to terminate exists only on PostgreSQL",
)
def test_a_pooled_connection_the_server_dropped_is_replaced_before_use(app: Flask):
    """As after a restart of PostgreSQL: every pooled connection is dead. The pool checks
    each before use (pool_pre_ping), so the next request is served, not failed."""
    import sqlalchemy as sa

    own = create_app("testing", SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"])
    from consult.extensions import db

    client = own.test_client()
    assert client.get("/healthz").status_code == 200
    with own.app_context():
        engine = db.engine
    pid = engine.pool._pool.queue[0].dbapi_connection.info.backend_pid  # type: ignore[attr-defined]
    admin = sa.create_engine(os.environ["TEST_DATABASE_URL"])
    try:
        with admin.connect() as conn:
            assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert client.get("/healthz").status_code == 200
    finally:
        admin.dispose()
        engine.dispose()


def test_a_connection_dropped_after_the_answer_does_not_turn_it_into_a_500(tmp_path: Path):
    """Seen in `make soak`: PostgreSQL restarted between a request's last query and its
    clean-up, the ROLLBACK at teardown failed, and the exception escaping teardown made gunicorn
    answer a bare 500 for a page that was ready. The answer stands; the session is discarded."""
    from sqlalchemy import exc
    from sqlalchemy.orm import Session

    from consult.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'c.sqlite'}")
    with app.app_context():
        db.create_all()
    client = app.test_client()
    original = Session.close
    calls = {"n": 0}

    def close_on_a_dead_connection(self: Session) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise exc.OperationalError(
                "ROLLBACK", {}, Exception("terminating connection due to administrator command")
            )
        original(self)

    try:
        Session.close = close_on_a_dead_connection  # type: ignore[method-assign]
        response = client.get("/healthz")
    finally:
        Session.close = original  # type: ignore[method-assign]
    assert calls["n"] >= 1
    assert response.status_code == 200
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()
