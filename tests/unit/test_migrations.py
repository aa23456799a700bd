"""Migrations: upgrade an empty database, `flask db check`, downgrade to base, upgrade again."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database of the kind the suite runs on."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"consult_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(test_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(test_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
