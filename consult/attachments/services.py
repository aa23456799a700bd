"""Linking staged files to owners, reading them back, and who may download (flush, never commit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.attachments.extract import extract_text
from consult.attachments.models import Attachment, Blob
from consult.attachments.storage import StagedFile, blob_path, max_files
from consult.extensions import db

# owner_type -> can_download(user, owner_id) -> bool
OwnerCheck = Callable[[Any, int], bool]


class AttachmentError(Exception):
    """A refused attachment; the message is shown to the user."""


def register_owner(app: Any, owner_type: str, can_download: OwnerCheck) -> None:
    """A domain says who may download the files of its owners (the owner's visibility)."""
    app.extensions.setdefault("consult_attachment_owners", {})[owner_type] = can_download


def may_download(user: Any, attachment: Attachment) -> bool:
    checks = current_app.extensions.get("consult_attachment_owners", {})
    check = checks.get(attachment.owner_type)
    return bool(check is not None and check(user, attachment.owner_id))


def _blob_for(staged: StagedFile) -> Blob:
    """The blob of this content, created (and its text extracted) the first time it is seen."""
    blob = db.session.scalar(select(Blob).where(Blob.sha256 == staged.sha256))
    if blob is not None:
        return blob
    text, complete = extract_text(blob_path(staged.sha256), staged.file_type)
    blob = Blob(
        sha256=staged.sha256,
        size=staged.size,
        file_type=staged.file_type,
        text=text,
        text_complete=complete,
    )
    # Another request (or host) may insert the same content at the same moment.
    try:
        with db.session.begin_nested():
            db.session.add(blob)
    except IntegrityError:  # the unique sha256: take the row that won
        found = db.session.scalar(select(Blob).where(Blob.sha256 == staged.sha256))
        if found is None:
            raise
        return found
    return blob


def count_of(owner_type: str, owner_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(Attachment.id)).where(
                Attachment.owner_type == owner_type, Attachment.owner_id == owner_id
            )
        )
        or 0
    )


def attach(
    owner_type: str, owner_id: int, staged: Sequence[StagedFile], *, user: Any = None
) -> list[Attachment]:
    """Link staged files to an owner, at most ATTACHMENT_MAX_FILES in all."""
    if not staged:
        return []
    existing = count_of(owner_type, owner_id)
    if existing + len(staged) > max_files():
        raise AttachmentError(
            ngettext(
                "At most %(num)d file can be attached.",
                "At most %(num)d files can be attached.",
                max_files(),
            )
        )
    created = []
    for offset, item in enumerate(staged):
        attachment = Attachment(
            blob=_blob_for(item),
            owner_type=owner_type,
            owner_id=owner_id,
            position=existing + offset,
            filename=item.filename,
            uploaded_by_id=getattr(user, "id", None),
        )
        db.session.add(attachment)
        created.append(attachment)
    db.session.flush()
    return created


def copy_attachments(owner_type: str, owner_id: int, to_type: str, to_id: int) -> list[Attachment]:
    """The same files linked to another owner (no file is copied: blobs are shared)."""
    copies = [
        Attachment(
            blob_id=item.blob_id,
            owner_type=to_type,
            owner_id=to_id,
            position=item.position,
            filename=item.filename,
            uploaded_by_id=item.uploaded_by_id,
        )
        for item in attachments_of(owner_type, [owner_id]).get(owner_id, [])
    ]
    db.session.add_all(copies)
    db.session.flush()
    return copies


def remove_attachment(attachment: Attachment) -> None:
    """Unlink a file from its owner; the blob stays (other owners may share it)."""
    db.session.delete(attachment)
    db.session.flush()


def attachments_of(owner_type: str, owner_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """{owner_id: [attachments in order]} for many owners in one query."""
    ids = list(set(owner_ids))
    found: dict[int, list[Attachment]] = {}
    if not ids:
        return found
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id.in_(ids))
        .order_by(Attachment.owner_id, Attachment.position, Attachment.id)
    )
    for row in rows:
        found.setdefault(row.owner_id, []).append(row)
    return found


def text_of(owner_type: str, owner_id: int) -> str:
    """The extracted text of an owner's files (for the search index)."""
    rows = db.session.execute(
        select(Attachment.filename, Blob.text)
        .join(Blob, Blob.id == Attachment.blob_id)
        .where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.position)
    )
    return "\n\n".join(f"{name}\n{text}" for name, text in rows)
