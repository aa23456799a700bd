"""Concurrent writers on a SQLite file: both succeed, the second waiting for the write lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from consult import create_app
from consult.accounts.models import StakeholderCategory
from consult.extensions import csrf
from consult.extensions import db as _db

WAIT = 10.0  # seconds: a safety net against a hung test, never a measurement


@pytest.fixture
def file_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own SQLite file, with a view that reads, pauses, then writes."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'writers.sqlite'}",
        WTF_CSRF_ENABLED=False,
    )
    app.extensions["writers"] = {
        "read": {"a": threading.Event(), "b": threading.Event()},
        "begin": {"a": threading.Event(), "b": threading.Event()},
        "release": threading.Event(),
    }

    @csrf.exempt
    def read_then_write(name: str) -> tuple[str, int]:
        state = app.extensions["writers"]
        # The request's transaction begins with its first query, just below.
        state["begin"][name].set()
        before = _db.session.scalar(select(func.count(StakeholderCategory.id)))
        state["read"][name].set()
        if name == "a":
            state["release"].wait(WAIT)
        _db.session.add(StakeholderCategory(slug=f"writer-{name}", name=name, position=90))
        _db.session.commit()
        return str(before), 200

    app.add_url_rule("/_writers/<name>", view_func=read_then_write, methods=["POST"])
    with app.app_context():
        _db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
            _db.drop_all()
            _db.engine.dispose()


def _post(app: Flask, name: str, results: dict[str, Any]) -> None:
    try:
        response = app.test_client().post(f"/_writers/{name}")
        results[name] = response.status_code
    except Exception as error:  # a failed thread shows in the assertion, not as a hang
        results[name] = repr(error)


def test_two_concurrent_writers_both_succeed(file_app: Flask) -> None:
    """A holds a transaction that read and will write; B starts meanwhile.

    With a deferred BEGIN, B reads a snapshot, A commits, and B's write fails at once with
    "database is locked" (busy_timeout cannot help). With BEGIN IMMEDIATE, B waits at BEGIN
    until A commits, then reads A's row and writes its own.
    """
    state = file_app.extensions["writers"]
    results: dict[str, Any] = {}
    a = threading.Thread(target=_post, args=(file_app, "a", results))
    a.start()
    assert state["read"]["a"].wait(WAIT)
    b = threading.Thread(target=_post, args=(file_app, "b", results))
    b.start()
    assert state["begin"]["b"].wait(WAIT)
    # B is now at its BEGIN: give it the chance to read (it can only with a deferred BEGIN).
    state["read"]["b"].wait(0.3)
    state["release"].set()
    a.join(WAIT)
    b.join(WAIT)

    assert results == {"a": 200, "b": 200}
    with file_app.app_context():
        slugs = set(
            _db.session.scalars(
                select(StakeholderCategory.slug).where(StakeholderCategory.slug.like("writer-%"))
            )
        )
        assert slugs == {"writer-a", "writer-b"}


def test_reads_do_not_take_the_write_lock(file_app: Flask) -> None:
    """A GET request keeps a deferred BEGIN: readers never queue behind writers."""
    seen: list[str] = []

    @file_app.get("/_writers-mode")
    def mode() -> str:
        # A reader that holds no write lock lets another connection take it straight away.
        _db.session.execute(text("SELECT 1"))
        other = _db.engine.raw_connection()
        try:
            cursor = other.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")
            seen.append("free")
        finally:
            other.close()
        return "ok"

    assert file_app.test_client().get("/_writers-mode").status_code == 200
    assert seen == ["free"]


def test_a_post_request_holds_the_write_lock_from_begin(file_app: Flask) -> None:
    """Inside a POST, after the first read, another connection cannot take the write lock."""
    seen: list[str] = []

    @csrf.exempt
    def probe() -> str:
        import sqlite3

        _db.session.execute(text("SELECT 1"))
        other = _db.engine.raw_connection()
        try:
            cursor = other.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("ROLLBACK")
                seen.append("free")
            except sqlite3.OperationalError as error:
                seen.append(str(error))
        finally:
            other.close()
        return "ok"

    file_app.add_url_rule("/_writers-probe", view_func=probe, methods=["POST"])
    assert file_app.test_client().post("/_writers-probe").status_code == 200
    assert seen == ["database is locked"]


def test_after_its_commit_a_post_request_reads_without_the_lock(file_app: Flask) -> None:
    """What a view reloads after committing (for its redirect) does not block other writers."""
    seen: list[str] = []

    def other_writer_can_start() -> str:
        other = _db.engine.raw_connection()
        try:
            cursor = other.cursor()
            cursor.execute("PRAGMA busy_timeout=0")
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")
            return "free"
        except Exception as error:  # sqlite3.OperationalError: database is locked
            return str(error)
        finally:
            other.close()

    @csrf.exempt
    def write_then_reload() -> str:
        _db.session.add(StakeholderCategory(slug="reloaded", name="Reloaded", position=91))
        _db.session.flush()
        seen.append(other_writer_can_start())  # the write transaction holds the lock
        _db.session.commit()
        _db.session.scalar(select(func.count(StakeholderCategory.id)))  # a new transaction
        seen.append(other_writer_can_start())
        return "ok"

    file_app.add_url_rule("/_writers-reload", view_func=write_then_reload, methods=["POST"])
    assert file_app.test_client().post("/_writers-reload").status_code == 200
    assert seen == ["database is locked", "free"]
