"""A brand-new empty database of the kind the suite runs on (SQLite file or PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa


@contextmanager
def fresh_database(prefix: str, folder: Path) -> Iterator[str]:
    """Yield the URL of a new database, dropped afterwards on PostgreSQL.

    On the PostgreSQL run (TEST_DATABASE_URL) it is a new database on that server, so the
    suite's own database is untouched; otherwise a SQLite file in `folder`.
    """
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if not test_url.startswith("postgresql"):
        yield f"sqlite:///{folder / (prefix + '.sqlite')}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(test_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(test_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
