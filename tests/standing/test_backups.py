"""Backups: the demo, backed up with `flask consult backup` and restored into an empty database
with `flask consult restore`, has the same rows in every table (on the suite's database kind)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from consult import create_app
from consult.accounts.models import DEFAULT_CATEGORIES, StakeholderCategory
from consult.core.backup import table_counts
from consult.extensions import db as _db
from tests.databases import fresh_database


def _app(url: str) -> Flask:
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with fresh_database("consult_backup_src", tmp_path_factory.mktemp("src")) as url:
        app = _app(url)
        with app.app_context():
            _db.create_all()
            for slug, name, position in DEFAULT_CATEGORIES:
                _db.session.add(StakeholderCategory(slug=slug, name=name, position=position))
            _db.session.commit()
        result = app.test_cli_runner().invoke(args=["consult", "demo"])
        assert result.exit_code == 0, result.output
        yield app
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_backup_and_restore_round_trip_the_demo(demo_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "consult.backup"
    result = demo_app.test_cli_runner().invoke(args=["consult", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup of the" in result.output and "rows in" in result.output
    with demo_app.app_context():
        before = table_counts(_db.engine)
    assert before["comments"] > 0 and before["users"] > 0, before

    with fresh_database("consult_backup_dst", tmp_path) as url:
        restored = _app(url)
        result = restored.test_cli_runner().invoke(
            args=["consult", "restore", "--yes", str(target)]
        )
        assert result.exit_code == 0, result.output
        with restored.app_context():
            after = table_counts(_db.engine)
            _db.engine.dispose()
    assert after == before


def test_restore_refuses_a_file_that_is_not_a_backup(demo_app: Flask, tmp_path: Path) -> None:
    junk = tmp_path / "not-a-backup"
    junk.write_text("hello")
    with fresh_database("consult_backup_bad", tmp_path) as url:
        app = _app(url)
        result = app.test_cli_runner().invoke(args=["consult", "restore", "--yes", str(junk)])
        with app.app_context():
            _db.engine.dispose()
    assert result.exit_code != 0
    assert "Error" in result.output
