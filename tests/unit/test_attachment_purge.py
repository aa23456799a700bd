"""`flask consult purge-attachments`: stored files no attachment refers to go once old enough."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from consult.attachments import services
from consult.attachments.models import Blob
from consult.attachments.samples import make_pdf
from consult.attachments.storage import blob_path, stage_bytes


def _age(path: Path, hours: float) -> Path:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def _run(app: Any, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["consult", "purge-attachments", *args])
    assert result.exit_code == 0, result.output
    return result


def test_only_old_unreferenced_files_go(app: Any, db: Any, store: Path) -> None:
    paths = {}
    (store / "tmp").mkdir(exist_ok=True)
    for name in ("old partial", "fresh partial", "not ours"):
        target = store / {"old partial": "tmp/up-broken", "fresh partial": "tmp/up-writing",
                          "not ours": "README"}[name]  # fmt: skip
        target.write_bytes(b"x" * 10)
        paths[name] = target
    attached = stage_bytes(make_pdf([["Our position"]]), "position.pdf")
    # Owners are (type, id) pairs: no owner row is needed to hold a file.
    services.attach("comment", 1, [attached])
    [unlinked] = services.attach("comment", 1, [stage_bytes(make_pdf([["Withdrawn"]]), "w.pdf")])
    unlinked_sha = unlinked.blob.sha256
    services.remove_attachment(unlinked)  # its blob row stays, with nothing attached
    paths["attached"] = blob_path(attached.sha256)
    paths["unlinked"] = blob_path(unlinked_sha)
    paths["old orphan"] = blob_path(stage_bytes(make_pdf([["Refused form"]]), "r.pdf").sha256)
    paths["fresh orphan"] = blob_path(stage_bytes(make_pdf([["In flight"]]), "f.pdf").sha256)
    ages = {"attached": 30 * 24, "unlinked": 48, "old orphan": 25, "fresh orphan": 1,
            "old partial": 30, "fresh partial": 0.1, "not ours": 100}  # fmt: skip
    for name, hours in ages.items():
        _age(paths[name], hours)
    old_bytes = sum(paths[n].stat().st_size for n in ("unlinked", "old orphan", "old partial"))

    dry = _run(app, "--dry-run")
    assert f"Would remove 3 orphan file(s), {old_bytes:,} bytes" in dry.output
    assert all(path.exists() for path in paths.values())

    result = _run(app)
    assert "Checking stored files" in result.output
    assert (
        f"Removed 3 orphan file(s), {old_bytes:,} bytes; kept 1 attached and 2 newer than "
        "24 hour(s)." in result.output
    )
    gone = {name for name, path in paths.items() if not path.exists()}
    assert gone == {"unlinked", "old orphan", "old partial"}
    # The attached file still downloads from its blob; the unlinked blob's row went with it.
    blobs = set(db.session.scalars(select(Blob.sha256)))
    assert attached.sha256 in blobs and unlinked_sha not in blobs

    # --older-than: the one-hour-old orphan goes when the threshold is shorter.
    shorter = _run(app, "--older-than", "1")
    assert "Removed 1 orphan file(s)" in shorter.output and not paths["fresh orphan"].exists()
    assert paths["attached"].exists() and paths["fresh partial"].exists()


def test_an_upload_of_known_content_refreshes_its_file(app: Any, db: Any, store: Path) -> None:
    """Content uploaded long ago and refused then is uploaded again now: it is kept."""
    data = make_pdf([["Twice"]])
    first = stage_bytes(data, "a.pdf")
    _age(blob_path(first.sha256), 100)
    stage_bytes(data, "b.pdf")  # the form of this request has not been saved yet
    assert "Removed 0 orphan file(s)" in _run(app).output
    assert blob_path(first.sha256).exists()


def test_older_than_must_be_positive(app: Any, db: Any, store: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["consult", "purge-attachments", "--older-than", "0"]
    )
    assert result.exit_code != 0
