"""Fixtures shared by the unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def store(app: Any, db: Any, tmp_path: Path) -> Iterator[Path]:
    """An attachment store of the test's own (ATTACHMENTS_DIR in a temporary folder)."""
    old = app.config["ATTACHMENTS_DIR"]
    app.config["ATTACHMENTS_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["ATTACHMENTS_DIR"] = old
