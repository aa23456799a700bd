"""Comments on sections (threaded), their edit history, endorsements and reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import StakeholderCategory, User
from consult.db import Base, TimestampMixin, utcnow
from consult.drafts.models import Section

KINDS = {"general": "General", "technical": "Technical", "editorial": "Editorial"}
STATE_VISIBLE = "visible"
STATE_HIDDEN = "hidden"
STATE_DELETED = "deleted"
PROPOSAL_PASSAGE = "passage"
PROPOSAL_PROVISION = "provision"
STANCES = {"support": "Supports", "oppose": "Opposes"}
REPORT_REASONS = {"spam": "Spam", "offensive": "Offensive", "off_topic": "Off-topic"}


class Comment(TimestampMixin, Base):
    """A comment on a section; the author's organisation and category are snapshotted."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_section_created", "section_id", "created_at"),
        Index("ix_comments_version_parent", "version_id", "parent_id"),
        Index("ix_comments_provision", "provision_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    root_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Snapshot at the time of writing: later changes to the user or organisation don't rewrite it.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_categories.id"), index=True
    )
    pact_status: Mapped[str] = mapped_column(String(12), default="none")
    author_role: Mapped[str | None] = mapped_column(String(12))  # chair/vice_chair/moderator
    kind: Mapped[str] = mapped_column(String(12), default="general")
    body: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    proposal_scope: Mapped[str | None] = mapped_column(String(10))
    is_confidential: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(10), default=STATE_VISIBLE)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hidden_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    edited_at: Mapped[datetime | None]

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


class CommentRevision(Base):
    """The text a comment had before an edit by its author."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    created_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text, default="")
    proposed_text: Mapped[str] = mapped_column(Text, default="")


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
    note: Mapped[str] = mapped_column(Text, default="")
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
