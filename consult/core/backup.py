"""Backups: SQLite's online backup API, or pg_dump/pg_restore (custom format) for PostgreSQL."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

logger = logging.getLogger(__name__)

# Called with (done, total) as the copy advances; total is pages (SQLite) or tables (PostgreSQL).
Progress = Callable[[int, int], None]
SQLITE_PAGES_PER_STEP = 256
_PG_TABLE_LINE = re.compile(r"(dumping contents of table|processing data for table)")


class BackupError(Exception):
    """The backup or restore could not be made; the message says why."""


@dataclass
class Summary:
    path: Path
    dialect: str
    bytes: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database (the schema as it is, not as the models say)."""
    names = sorted(sa.inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {
            name: int(
                conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            )
            for name in names
        }


def backup(engine: Engine, target: Path, progress: Progress) -> Summary:
    """Write a consistent copy of the live database to `target` while the site keeps running."""
    target.parent.mkdir(parents=True, exist_ok=True)
    url = engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(_sqlite_path(url)), target, progress)
    elif url.get_backend_name() == "postgresql":
        tables = len(sa.inspect(engine).get_table_names())
        _run_pg(
            ["pg_dump", "--format=custom", "--verbose", f"--file={target}"], url, tables, progress
        )
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    summary = Summary(target, url.get_backend_name(), target.stat().st_size, table_counts(engine))
    logger.info("backup written to %s (%d bytes)", target, summary.bytes)
    return summary


def restore(engine: Engine, source: Path, progress: Progress) -> Summary:
    """Replace the database's content with the backup at `source`."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    url = engine.url
    engine.dispose()  # no pooled connection may keep the old content (or a lock) open
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, Path(_sqlite_path(url)), progress)
    elif url.get_backend_name() == "postgresql":
        listed = _pg_list(source)
        _run_pg(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--verbose",
             str(source)],
            url, listed, progress,
        )  # fmt: skip
    else:
        raise BackupError(f"no restore method for {url.get_backend_name()}")
    summary = Summary(source, url.get_backend_name(), source.stat().st_size, table_counts(engine))
    logger.info("database restored from %s", source)
    return summary


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _sqlite_copy(source: Path, target: Path, progress: Progress) -> None:
    """SQLite's online backup: readers and writers may go on while the pages are copied."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")

    def step(status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total)

    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst, pages=SQLITE_PAGES_PER_STEP, progress=step)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup failed: {exc}") from exc
    finally:
        dst.close()
        src.close()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes through the environment, not `ps`)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(args: list[str], url: URL, total: int, progress: Progress) -> None:
    dsn, env = _libpq(url)
    command = [_program(args[0]), f"--dbname={dsn}", *args[1:]]
    done = 0
    errors: list[str] = []
    with subprocess.Popen(  # noqa: S603 - a fixed program; the arguments are not a shell line
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            if _PG_TABLE_LINE.search(line):
                done += 1
                progress(min(done, total), total)
            elif "error" in line.lower():
                errors.append(line.strip())
    if process.returncode != 0:
        raise BackupError(f"{args[0]} failed: " + (" ".join(errors[-3:]) or "see its output"))
    progress(total, total)


def _pg_list(source: Path) -> int:
    """Tables with data in a custom-format dump (for the progress bar)."""
    listed = subprocess.run(  # noqa: S603 - a fixed program; the arguments are not a shell line
        [_program("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise BackupError(f"{source} is not a pg_dump custom-format file: {listed.stderr.strip()}")
    return max(1, sum(1 for line in listed.stdout.splitlines() if " TABLE DATA " in line))


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found
