"""Keeps the search index in step with every write (ORM listeners) and rebuilds it (reindex)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.orm import Mapper

from consult.attachments.models import Attachment, Blob
from consult.comments.models import STATE_VISIBLE, Comment
from consult.drafts.models import Section, Version
from consult.extensions import db
from consult.moderation.models import Disposition
from consult.search.models import (
    KIND_COMMENT,
    KIND_DISPOSITION,
    KIND_PROVISION,
    SQLITE_DDL,
    SearchEntry,
)

logger = logging.getLogger(__name__)
OWNER_COMMENT = "comment"  # consult.comments.workspace.OWNER_COMMENT
BATCH = 2000
_SECTION_FIELDS = ("version_id", "provision_id", "kind", "number", "heading", "body")
_COMMENT_FIELDS = (
    "version_id", "section_id", "provision_id", "author_id", "category_id", "kind", "body",
    "quote", "proposed_text", "is_confidential", "state",
)  # fmt: skip
_DISPOSITION_FIELDS = ("outcome", "rationale", "decided_at", "comment_id")


def comment_text(body: str, quote: str, proposed_text: str) -> str:
    return "\n\n".join(part for part in (body, quote, proposed_text) if part)


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in fields)


def _put(connection: Connection, kind: str, object_id: int, values: dict[str, Any]) -> None:
    """Update the entry of (kind, object) or insert it."""
    where = (SearchEntry.kind == kind, SearchEntry.object_id == object_id)
    if connection.execute(update(SearchEntry).where(*where).values(**values)).rowcount == 0:
        connection.execute(insert(SearchEntry).values(kind=kind, object_id=object_id, **values))


def _remove(connection: Connection, kind: str, object_id: int) -> None:
    connection.execute(
        delete(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.object_id == object_id)
    )


def _document_of(version_id: int) -> Any:
    return select(Version.document_id).where(Version.id == version_id).scalar_subquery()


# --- sections ----------------------------------------------------------------------------


def _index_section(connection: Connection, section: Section) -> None:
    _put(
        connection,
        KIND_PROVISION,
        section.id,
        {
            "document_id": _document_of(section.version_id),
            "version_id": section.version_id,
            "section_id": section.id,
            "provision_id": section.provision_id,
            "title": section.title[:400],
            "body": section.body or "",
            "created_at": select(func.coalesce(Version.published_at, Version.created_at))
            .where(Version.id == section.version_id)
            .scalar_subquery(),
        },
    )


@event.listens_for(Section, "after_insert")
def _section_inserted(mapper: Mapper[Any], connection: Connection, section: Section) -> None:
    _index_section(connection, section)


@event.listens_for(Section, "after_update")
def _section_updated(mapper: Mapper[Any], connection: Connection, section: Section) -> None:
    if _changed(section, _SECTION_FIELDS):
        _index_section(connection, section)


@event.listens_for(Section, "after_delete")
def _section_deleted(mapper: Mapper[Any], connection: Connection, section: Section) -> None:
    _remove(connection, KIND_PROVISION, section.id)


# --- comments and dispositions ------------------------------------------------------------


def _comment_facets(comment: Any) -> dict[str, Any]:
    """What a comment's entry and its disposition's entry share (comment may be a Row)."""
    return {
        "document_id": _document_of(comment.version_id),
        "version_id": comment.version_id,
        "section_id": comment.section_id,
        "provision_id": comment.provision_id,
        "comment_id": comment.id,
        "author_id": comment.author_id,
        "is_confidential": bool(comment.is_confidential),
        "category_id": comment.category_id,
        "comment_kind": comment.kind,
    }


def _index_disposition(connection: Connection, comment_id: int) -> None:
    """Index the decided rationale of a visible comment's disposition, or remove it."""
    row = connection.execute(
        select(
            Disposition.id, Disposition.outcome, Disposition.rationale, Disposition.decided_at
        ).where(Disposition.comment_id == comment_id)
    ).one_or_none()
    if row is None:
        return
    comment = connection.execute(select(Comment).where(Comment.id == comment_id)).one()
    connection.execute(
        update(SearchEntry)
        .where(SearchEntry.kind == KIND_COMMENT, SearchEntry.object_id == comment_id)
        .values(outcome=row.outcome)
    )
    if comment.state != STATE_VISIBLE or not row.outcome or not (row.rationale or "").strip():
        _remove(connection, KIND_DISPOSITION, row.id)
        return
    values = _comment_facets(comment) | {
        "outcome": row.outcome,
        "body": row.rationale,
        "created_at": row.decided_at,
    }
    _put(connection, KIND_DISPOSITION, row.id, values)


def _attachment_text(connection: Connection, comment_id: int) -> str:
    """The names and extracted text of a comment's files (position papers), for its entry."""
    rows = connection.execute(
        select(Attachment.filename, Blob.text)
        .join(Blob, Blob.id == Attachment.blob_id)
        .where(Attachment.owner_type == OWNER_COMMENT, Attachment.owner_id == comment_id)
        .order_by(Attachment.position)
    ).all()
    return "".join(f"\n\n{name}\n{text}" for name, text in rows)


def _index_comment(connection: Connection, comment: Comment, inserted: bool) -> None:
    if comment.state != STATE_VISIBLE:
        _remove(connection, KIND_COMMENT, comment.id)
    else:
        outcome = select(Disposition.outcome).where(Disposition.comment_id == comment.id)
        files = "" if inserted else _attachment_text(connection, comment.id)
        values = _comment_facets(comment) | {
            "body": comment_text(comment.body, comment.quote, comment.proposed_text) + files,
            "created_at": comment.created_at,
            "outcome": None if inserted else outcome.scalar_subquery(),
        }
        _put(connection, KIND_COMMENT, comment.id, values)
    if not inserted:
        _index_disposition(connection, comment.id)


@event.listens_for(Comment, "after_insert")
def _comment_inserted(mapper: Mapper[Any], connection: Connection, comment: Comment) -> None:
    _index_comment(connection, comment, inserted=True)


@event.listens_for(Attachment, "after_insert")
def _attachment_inserted(mapper: Mapper[Any], connection: Connection, item: Attachment) -> None:
    """A comment's file is found by search: its text joins the comment's entry."""
    if item.owner_type != OWNER_COMMENT:
        return
    text_ = connection.execute(select(Blob.text).where(Blob.id == item.blob_id)).scalar() or ""
    connection.execute(
        update(SearchEntry)
        .where(SearchEntry.kind == KIND_COMMENT, SearchEntry.object_id == item.owner_id)
        .values(body=SearchEntry.body + f"\n\n{item.filename}\n{text_}")
    )


@event.listens_for(Comment, "after_update")
def _comment_updated(mapper: Mapper[Any], connection: Connection, comment: Comment) -> None:
    if _changed(comment, _COMMENT_FIELDS):
        _index_comment(connection, comment, inserted=False)


@event.listens_for(Disposition, "after_insert")
def _disposition_inserted(mapper: Mapper[Any], connection: Connection, d: Disposition) -> None:
    _index_disposition(connection, d.comment_id)


@event.listens_for(Disposition, "after_update")
def _disposition_updated(mapper: Mapper[Any], connection: Connection, d: Disposition) -> None:
    if _changed(d, _DISPOSITION_FIELDS):
        _index_disposition(connection, d.comment_id)


# --- rebuilding ---------------------------------------------------------------------------


def _batches(ids: list[int]) -> Iterator[tuple[int, int]]:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        yield chunk[0], chunk[-1]


def _section_rows(low: int, high: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(
            Section, Version.document_id, func.coalesce(Version.published_at, Version.created_at)
        )
        .join(Version, Version.id == Section.version_id)
        .where(Section.id.between(low, high))
    ).all()
    return [
        {
            "kind": KIND_PROVISION,
            "object_id": s.id,
            "document_id": document_id,
            "version_id": s.version_id,
            "section_id": s.id,
            "provision_id": s.provision_id,
            "title": s.title[:400],
            "body": s.body or "",
            "created_at": created,
        }
        for s, document_id, created in rows
    ]


def _then(part: Any) -> Any:
    """SQL for comment_text()'s joining: a blank line before a part that is not empty."""
    return case((part != "", "\n\n" + part), else_="")


def _insert_comments(low: int, high: int) -> None:
    source = (
        select(
            literal(KIND_COMMENT),
            Comment.id,
            Version.document_id,
            Comment.version_id,
            Comment.section_id,
            Comment.provision_id,
            Comment.id,
            Comment.author_id,
            Comment.is_confidential,
            Comment.category_id,
            Comment.kind,
            Disposition.outcome,
            Comment.body + _then(Comment.quote) + _then(Comment.proposed_text),
            Comment.created_at,
        )
        .join(Version, Version.id == Comment.version_id)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(Comment.id.between(low, high), Comment.state == STATE_VISIBLE)
    )
    db.session.execute(
        insert(SearchEntry).from_select(
            ["kind", "object_id", *_SHARED, "body", "created_at"], source
        ),
        execution_options={"synchronize_session": False},
    )


_SHARED = [
    "document_id", "version_id", "section_id", "provision_id", "comment_id", "author_id",
    "is_confidential", "category_id", "comment_kind", "outcome",
]  # fmt: skip


def _insert_dispositions(low: int, high: int) -> None:
    source = (
        select(
            literal(KIND_DISPOSITION),
            Disposition.id,
            Version.document_id,
            Comment.version_id,
            Comment.section_id,
            Comment.provision_id,
            Comment.id,
            Comment.author_id,
            Comment.is_confidential,
            Comment.category_id,
            Comment.kind,
            Disposition.outcome,
            Disposition.rationale,
            Disposition.decided_at,
        )
        .join(Comment, Comment.id == Disposition.comment_id)
        .join(Version, Version.id == Comment.version_id)
        .where(
            Disposition.id.between(low, high),
            Disposition.outcome.is_not(None),
            func.trim(Disposition.rationale) != "",
            Comment.state == STATE_VISIBLE,
        )
    )
    db.session.execute(
        insert(SearchEntry).from_select(
            ["kind", "object_id", *_SHARED, "body", "created_at"], source
        ),
        execution_options={"synchronize_session": False},
    )


def _add_attachment_texts(low: int, high: int) -> None:
    """Append the text of the files of comments low..high to their entries (few have any)."""
    owners = db.session.scalars(
        select(Attachment.owner_id)
        .where(Attachment.owner_type == OWNER_COMMENT, Attachment.owner_id.between(low, high))
        .distinct()
    ).all()
    connection = db.session.connection()
    for owner_id in owners:
        files = _attachment_text(connection, owner_id)
        connection.execute(
            update(SearchEntry)
            .where(SearchEntry.kind == KIND_COMMENT, SearchEntry.object_id == owner_id)
            .values(body=SearchEntry.body + files)
        )


def reindex(progress: Callable[[Any], Any] | None = None) -> dict[str, int]:
    """Rebuild the whole index from its sources; returns entries per kind.

    `progress(iterable)` wraps the batches (e.g. click.progressbar) for a command line.
    """
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:  # fill the table first and build the FTS5 index once at the end (much quicker)
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
    db.session.execute(delete(SearchEntry))
    plan: list[tuple[str, int, int]] = []
    for kind, column in (
        (KIND_PROVISION, Section.id),
        (KIND_COMMENT, Comment.id),
        (KIND_DISPOSITION, Disposition.id),
    ):
        ids = list(db.session.scalars(select(column).order_by(column)))
        plan += [(kind, low, high) for low, high in _batches(ids)]
    steps = progress(plan) if progress else plan
    for kind, low, high in steps:
        if kind == KIND_PROVISION:
            rows = _section_rows(low, high)
            if rows:
                db.session.execute(insert(SearchEntry), rows)
        elif kind == KIND_COMMENT:
            _insert_comments(low, high)
            _add_attachment_texts(low, high)
        else:
            _insert_dispositions(low, high)
    if sqlite:
        db.session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        for statement in SQLITE_DDL[1:]:
            db.session.execute(text(statement))
    db.session.flush()
    counts = dict(
        db.session.execute(select(SearchEntry.kind, func.count()).group_by(SearchEntry.kind)).all()
    )
    result = {
        kind: int(counts.get(kind, 0)) for kind in (KIND_PROVISION, KIND_COMMENT, KIND_DISPOSITION)
    }
    logger.info("search index rebuilt: %s", result)
    return result
