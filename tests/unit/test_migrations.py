"""Migrations: upgrade an empty database, `flask db check`, downgrade to base, upgrade again."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database of the kind the suite runs on."""
    with fresh_database("consult_migrations", tmp_path) as url:
        yield url


def flask_db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py", "CONSULT_ENV": "development"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_upgrade_check_downgrade_upgrade(empty_database_url: str) -> None:
    for step in (("upgrade",), ("check",), ("downgrade", "base"), ("upgrade",), ("check",)):
        result = flask_db(empty_database_url, *step)
        assert result.returncode == 0, f"flask db {' '.join(step)}:\n{result.stderr[-3000:]}"
    engine = sa.create_engine(empty_database_url)
    with engine.connect() as conn:
        slugs = conn.execute(sa.text("SELECT slug FROM stakeholder_categories")).scalars().all()
    engine.dispose()
    assert set(slugs) == {"industry", "sme", "academia", "civil-society", "open-source"}


def test_existing_organisation_ties_become_confirmed_memberships(empty_database_url: str) -> None:
    """Accounts that named an organisation before memberships were verified keep speaking for
    it (confirmed); the first of each organisation represents it; downgrade keeps them."""
    result = flask_db(empty_database_url, "upgrade", "6983a3911492")
    assert result.returncode == 0, result.stderr[-3000:]
    engine = sa.create_engine(empty_database_url)
    now = "2026-11-01 10:00:00"
    with engine.begin() as conn:
        cat = conn.execute(sa.text("SELECT id FROM stakeholder_categories LIMIT 1")).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO organisations (id, name, category_id, country, pact_status, "
                "pact_pledges, created_at, updated_at) VALUES (7, 'Acme', :cat, 'BE', 'none', "
                "'[]', :now, :now)"
            ),
            {"cat": cat, "now": now},
        )
        for user_id in (3, 5):
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, display_name, password_hash, organisation_id,"
                    " is_admin, is_disabled, notify_mode, bio, session_nonce, created_at,"
                    " updated_at) VALUES (:id, :email, 'X', 'h', 7, false, false, 'immediate',"
                    " '', 'n', :now, :now)"
                ),
                {"id": user_id, "email": f"u{user_id}@example.org", "now": now},
            )
    result = flask_db(empty_database_url, "upgrade")
    assert result.returncode == 0, result.stderr[-3000:]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT user_id, status, is_representative FROM organisation_memberships "
                "ORDER BY user_id"
            )
        ).all()
    assert [tuple(r) for r in rows] == [(3, "confirmed", True), (5, "confirmed", False)]
    result = flask_db(empty_database_url, "downgrade", "6983a3911492")
    assert result.returncode == 0, result.stderr[-3000:]
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT count(*) FROM users WHERE organisation_id = 7"))
        assert kept.scalar() == 2
    engine.dispose()
