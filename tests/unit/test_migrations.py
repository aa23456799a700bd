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
