"""Files in the attachment store that nothing refers to: found, and removed once old enough.

A file whose form was refused after its upload was staged stays in the store with no
`attachments` row; an upload cut off mid-way leaves a temporary file in the staging area
(`tmp/up-*`). Only files last written more than `older_than` ago go: `stage()` rewrites a
file each time its content is uploaded (an atomic rename), so an upload in flight, even of
content stored long ago, has a fresh file and is never removed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, exists, select

from consult.attachments.models import Attachment, Blob
from consult.attachments.storage import root
from consult.extensions import db

SHA256 = re.compile(r"[0-9a-f]{64}")
STAGING = "tmp"


@dataclass
class Outcome:
    """What one pass did (or, on a dry run, would do)."""

    removed: int = 0
    removed_bytes: int = 0
    referenced: int = 0
    recent: int = 0


def store_files() -> list[Path]:
    """Every blob (ab/cd/<sha256>) and every staged temporary file in the store."""
    store = root()
    blobs = [
        path
        for path in store.glob("??/??/*")
        if SHA256.fullmatch(path.name)
        and path.parent.name == path.name[2:4]
        and path.parent.parent.name == path.name[:2]
        and path.is_file()
    ]
    staged = [path for path in (store / STAGING).glob("up-*") if path.is_file()]
    return sorted(blobs) + sorted(staged)


def _referenced() -> set[str]:
    return set(
        db.session.scalars(
            select(Blob.sha256).join(Attachment, Attachment.blob_id == Blob.id).distinct()
        )
    )


def _still_referenced(sha256: str) -> bool:
    """Asked again just before removing: an attachment may have been made since the scan."""
    linked = select(Attachment.id).join(Blob, Blob.id == Attachment.blob_id)
    return bool(db.session.scalar(select(exists(linked.where(Blob.sha256 == sha256)))))


def purge_orphans(
    older_than: timedelta,
    *,
    dry_run: bool = False,
    files: Iterable[Path] | None = None,
    now: float | None = None,
) -> Outcome:
    """Remove the store's files that no attachment refers to and older than `older_than`.

    A blob row left without any attachment goes with its file (it would point at nothing).
    `files` defaults to `store_files()` (a command passes them through its progress bar).
    Flushes; the caller commits.
    """
    cutoff = (time.time() if now is None else now) - older_than.total_seconds()
    referenced = _referenced()
    outcome = Outcome()
    for path in store_files() if files is None else files:
        is_blob = path.parent.name != STAGING
        if is_blob and path.name in referenced:
            outcome.referenced += 1
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed meanwhile (another host purging)
            continue
        if stat.st_mtime > cutoff:
            outcome.recent += 1
            continue
        if is_blob and _still_referenced(path.name):
            outcome.referenced += 1
            continue
        outcome.removed += 1
        outcome.removed_bytes += stat.st_size
        if dry_run:
            continue
        path.unlink(missing_ok=True)
        if is_blob:
            unlinked = ~exists(select(Attachment.id).where(Attachment.blob_id == Blob.id))
            db.session.execute(
                delete(Blob).where(Blob.sha256 == path.name, unlinked),
                execution_options={"synchronize_session": False},
            )
    db.session.flush()
    return outcome
