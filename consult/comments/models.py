"""Comments on sections (threaded), their edit history, endorsements and reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from consult.accounts.models import ORGANISATION_NAME_MAX, StakeholderCategory, User
from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base, TimestampMixin, bounded_string, bounded_text, utcnow
from consult.drafts.models import Section

# The column bound of a comment's texts (body, quote, proposed text), of their copies
# (revisions, workspace drafts, decided texts) and of a report's note. The forms' limit is
# COMMENT_MAX_LENGTH (app config, default 5,000), which must not exceed this: a test asserts
# it, and max_length() never allows more. Workspace drafts may use the whole bound.
COMMENT_TEXT_MAX = 20_000
HIDE_REASON_MAX = 2000  # e-mailed to the author (issue 12, defect 6)
APPROVER_NAME_MAX = 200  # a copy of the approver's display name
KINDS = {"general": "General", "technical": "Technical", "editorial": "Editorial"}
# KINDS stay plain (other domains use them as values, e.g. in SQL); the interface shows these.
KIND_LABELS = {
    "general": _l("General"),
    "technical": _l("Technical"),
    "editorial": _l("Editorial"),
}
STATE_VISIBLE = "visible"
STATE_HIDDEN = "hidden"
STATE_DELETED = "deleted"
# Why an author may no longer edit or delete their comment (Comment.locked_reason).
LOCK_REASONS = {
    "disposition": _l(
        "The moderators have answered this comment, so it is part of the record: "
        "it can no longer be edited or deleted. You can still reply to it."
    ),
    "change": _l(
        "The text of the next version was changed in response to this comment, so it is "
        "part of the record: it can no longer be edited or deleted. You can still reply to it."
    ),
    "duplicate": _l(
        "Another comment was marked as a duplicate of this one, so it is part of the "
        "record: it can no longer be edited or deleted. You can still reply to it."
    ),
}
# Key of working group staff (chairs, vice-chairs, moderators, admins) in per-category counts:
# counted apart, never under a stakeholder category or "No category".
STAFF_KEY = 0
STAFF_LABEL = "Working group staff"
PROPOSAL_PASSAGE = "passage"
PROPOSAL_PROVISION = "provision"
STANCES = {"support": _l("Supports"), "oppose": _l("Opposes")}
REPORT_REASONS = {"spam": _l("Spam"), "offensive": _l("Offensive"), "off_topic": _l("Off-topic")}
# A report's reason inside a sentence ("Reported as spam."): lower case in English only.
REPORT_REASON_WORDS = {
    "spam": _l("spam"),
    "offensive": _l("offensive"),
    "off_topic": _l("off-topic"),
}


class Comment(TimestampMixin, Base):
    """A comment on a section; the author's organisation and category are snapshotted."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_section_created", "section_id", "created_at"),
        # The triage queue: its page (newest first, then id) and its counts (state != deleted)
        # come from the index alone, without reading the comments' rows.
        Index(
            "ix_comments_version_parent_created",
            "version_id",
            "parent_id",
            "created_at",
            "id",
            "state",
        ),
        # Carry-over: newest threads per earlier version of one provision (see threads.py).
        Index(
            "ix_comments_provision_version",
            "provision_id",
            "version_id",
            "parent_id",
            "created_at",
        ),
        # Filtering triage, the overview and reports by the comment's language.
        Index("ix_comments_version_language", "version_id", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # active_history: the comment counters need the old value of every counted column.
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), active_history=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), active_history=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Snapshot at the time of writing: later changes to the user or organisation don't rewrite it.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_name: Mapped[str] = bounded_string(ORGANISATION_NAME_MAX, default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_categories.id"), index=True, active_history=True
    )
    pact_status: Mapped[str] = mapped_column(String(12), default="none")
    # chair/vice_chair/moderator/admin: counted apart as working group staff
    author_role: Mapped[str | None] = mapped_column(String(12), active_history=True)
    kind: Mapped[str] = mapped_column(String(12), default="general")
    body: Mapped[str] = bounded_text(COMMENT_TEXT_MAX)
    quote: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    proposed_text: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    proposal_scope: Mapped[str | None] = mapped_column(String(10))
    # The language the comment is written in (an official EU language code), and the language
    # of the text its quote was taken from (a translation's, or None: the version's own).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    quote_language: Mapped[str | None] = mapped_column(String(8))
    is_confidential: Mapped[bool] = mapped_column(default=False, active_history=True)
    state: Mapped[str] = mapped_column(String(10), default=STATE_VISIBLE, active_history=True)
    hidden_reason: Mapped[str] = bounded_text(HIDE_REASON_MAX, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]
    # Set once the comment is part of the record (answered, linked to a change, or the original
    # of a duplicate): its author may no longer edit or delete it (see LOCK_REASONS).
    locked_reason: Mapped[str | None] = mapped_column(String(12))
    # Set when an organisation's representative approved a workspace draft: the comment speaks
    # for the organisation ("on behalf of ..., approved by ..."); otherwise it is personal.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_name: Mapped[str] = bounded_string(APPROVER_NAME_MAX, default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    category: Mapped[StakeholderCategory | None] = relationship()
    section: Mapped[Section] = relationship()

    @property
    def status(self) -> str:
        """visible, edited, hidden or deleted (as shown on "My comments")."""
        if self.state != STATE_VISIBLE:
            return self.state
        return "edited" if self.edited_at is not None else STATE_VISIBLE

    @property
    def is_visible(self) -> bool:
        return self.state == STATE_VISIBLE

    @property
    def on_behalf(self) -> bool:
        """Approved by a representative: the organisation's one voice, not a personal comment."""
        return bool(self.approved_by_name)


class CommentRevision(Base):
    """The text a comment had before an edit by its author."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    created_at: Mapped[datetime]
    body: Mapped[str] = bounded_text(COMMENT_TEXT_MAX)
    quote: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    proposed_text: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")


class Endorsement(TimestampMixin, Base):
    """One user's support or opposition to someone else's comment (changeable)."""

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stance: Mapped[str] = mapped_column(String(8))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_categories.id"))

    comment: Mapped[Comment] = relationship()
    user: Mapped[User] = relationship()


class CommentReport(TimestampMixin, Base):
    """A signed-in user's report of a comment, queued for moderators."""

    __tablename__ = "comment_reports"
    __table_args__ = (UniqueConstraint("comment_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, upheld, dismissed
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]

    comment: Mapped[Comment] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])


class PendingComment(Base):
    """A comment posted after the session expired, kept server-side until its author signs in.

    It belongs to no user (the poster was anonymous by then); whoever holds the random token
    gets the fields back pre-filled in a form and must submit them again. Rows expire after a day.
    """

    __tablename__ = "pending_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CommentCount(Base):
    """Visible comments of one section by one author category: the public ones and all of them.

    The version page shows these counts for ~300 provisions; reading them from here costs the
    same at 5,000 or 200,000 comments. The listeners below keep them in step with every insert
    and change of a comment, in the same transaction; `flask consult recount` rebuilds them.
    Rows are summed when read, so a rare duplicate (two first comments of a pair committed at
    once) is harmless.
    """

    __tablename__ = "comment_counts"
    __table_args__ = (
        Index("ix_comment_counts_version_section", "version_id", "section_id", "category_id"),
        Index("ix_comment_counts_section", "section_id", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_categories.id"))
    is_staff: Mapped[bool] = mapped_column(default=False)  # chairs, moderators, admins: apart
    public_count: Mapped[int] = mapped_column(default=0)  # visible and not confidential
    all_count: Mapped[int] = mapped_column(default=0)  # visible, confidential included


_COUNTED = ("version_id", "section_id", "category_id", "author_role", "state", "is_confidential")


def _contribution(values: dict[str, Any]) -> tuple[tuple[Any, Any, Any, bool], int, int] | None:
    """(version, section, category, staff), public and all for a comment with these values."""
    if (values["state"] or STATE_VISIBLE) != STATE_VISIBLE or values["section_id"] is None:
        return None
    staff = values["author_role"] is not None
    category_id = None if staff else values["category_id"]
    key = (values["version_id"], values["section_id"], category_id, staff)
    return key, (0 if values["is_confidential"] else 1), 1


def _bump(connection: Connection, key: tuple[Any, Any, Any, bool], public: int, total: int) -> None:
    if not (public or total):
        return
    version_id, section_id, category_id, staff = key
    same_category = (
        CommentCount.category_id.is_(None)
        if category_id is None
        else CommentCount.category_id == category_id
    )
    # One row per pair is updated, even if a concurrent first insert left two of them.
    first = (
        select(func.min(CommentCount.id))
        .where(
            CommentCount.section_id == section_id,
            same_category,
            CommentCount.is_staff.is_(staff),
        )
        .scalar_subquery()
    )
    updated = connection.execute(
        update(CommentCount)
        .where(CommentCount.id == first)
        .values(
            public_count=CommentCount.public_count + public,
            all_count=CommentCount.all_count + total,
        )
    )
    if updated.rowcount == 0:
        connection.execute(
            insert(CommentCount).values(
                version_id=version_id,
                section_id=section_id,
                category_id=category_id,
                is_staff=staff,
                public_count=public,
                all_count=total,
            )
        )


def _apply(
    connection: Connection, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    old = _contribution(before) if before else None
    new = _contribution(after) if after else None
    if old and new and old[0] == new[0]:
        _bump(connection, new[0], new[1] - old[1], new[2] - old[2])
        return
    if old:
        _bump(connection, old[0], -old[1], -old[2])
    if new:
        _bump(connection, new[0], new[1], new[2])


def _current(comment: Comment) -> dict[str, Any]:
    return {name: getattr(comment, name) for name in _COUNTED}


def _previous(comment: Comment) -> dict[str, Any]:
    attrs = inspect(comment).attrs
    values = {}
    for name in _COUNTED:
        history = attrs[name].history
        values[name] = history.deleted[0] if history.deleted else getattr(comment, name)
    return values


@event.listens_for(Comment, "after_insert")
def _count_inserted(mapper: Mapper[Any], connection: Connection, comment: Comment) -> None:
    _apply(connection, None, _current(comment))


@event.listens_for(Comment, "after_update")
def _count_updated(mapper: Mapper[Any], connection: Connection, comment: Comment) -> None:
    _apply(connection, _previous(comment), _current(comment))


@event.listens_for(Comment, "after_delete")
def _count_deleted(mapper: Mapper[Any], connection: Connection, comment: Comment) -> None:
    _apply(connection, _previous(comment), None)
