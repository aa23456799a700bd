"""Fixtures: app (tables created once), db (rolled back per test), client, login_as(role)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as _FlaskSession
from sqlalchemy import event, select

from consult import create_app
from consult.accounts.models import DEFAULT_CATEGORIES, StakeholderCategory, User
from consult.extensions import db as _db
from tests import factories


class _ConnectionSession(_FlaskSession):
    """Flask-SQLAlchemy's session, but bound to the test's connection."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kw: Any) -> Any:
        return bind if bind is not None else self.bind


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist on PostgreSQL, each worker gets its own database beside the named one,
    set before any configuration is read (SQLite runs use an in-memory database per process)."""
    import os

    url = os.environ.get("TEST_DATABASE_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and url.startswith("postgresql"):
        os.environ["TEST_DATABASE_URL"] = _worker_database(url, worker)


def _worker_database(url: str, worker: str) -> str:
    import sqlalchemy as sa

    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    app = create_app("testing")
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        for slug, name, position in DEFAULT_CATEGORIES:
            _db.session.add(StakeholderCategory(slug=slug, name=name, position=position))
        _db.session.commit()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """A session inside a transaction that is rolled back after the test.

    Services and requests commit as usual; the commits release SAVEPOINTs inside the outer
    transaction, so every test starts from the same database on SQLite and PostgreSQL.
    """
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _ConnectionSession,
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_app(app: Flask) -> Iterator[Flask]:
    """Turn CSRF checking on for a test (it is on in every real configuration)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def _csrf_off_by_default(app: Flask) -> None:
    # Form tests post without tokens; test_security proves CSRF is enforced when enabled.
    app.config["WTF_CSRF_ENABLED"] = False


def category(slug: str) -> StakeholderCategory:
    found = _db.session.scalars(
        select(StakeholderCategory).where(StakeholderCategory.slug == slug)
    ).one()
    return found


ROLES = (
    "visitor",
    "unverified",
    "stakeholder",
    "observer",
    "member",
    "moderator",
    "vice_chair",
    "chair",
    "other_chair",
    "admin",
)


@pytest.fixture
def login_as(client: FlaskClient, db: Any) -> Callable[..., User | None]:
    """Sign the test client in as a user of `role`, in `group` for group roles.

    Roles: visitor (nobody signed in), unverified, stakeholder, observer, member,
    moderator, vice_chair, chair, other_chair (chair of another group), admin.
    """

    def _login(role: str, group: Any = None, **user_fields: Any) -> User | None:
        from flask import g

        # Requests reuse the test's app context, so Flask-Login's per-context cache of the
        # current user would otherwise outlive a switch of user within one test.
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            session.clear()
        if role == "visitor":
            return None
        user = make_user_for_role(role, group, **user_fields)
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return _login


def make_user_for_role(role: str, group: Any = None, **user_fields: Any) -> User:
    if role == "unverified":
        return factories.UserFactory(email_verified_at=None, **user_fields)
    if role == "admin":
        return factories.UserFactory(is_admin=True, **user_fields)
    user = factories.UserFactory(**user_fields)
    if role in {"observer", "member", "moderator", "vice_chair", "chair"}:
        factories.MembershipFactory(user=user, group=group or factories.GroupFactory(), role=role)
    elif role == "other_chair":
        factories.MembershipFactory(user=user, group=factories.GroupFactory(), role="chair")
    _db.session.flush()
    return user


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db: Any) -> Callable[[], Any]:
    """Context manager counting SQL statements (SAVEPOINT bookkeeping excluded)."""
    from contextlib import contextmanager

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        engine = _db.engine

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement, re.I):
                counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _count
