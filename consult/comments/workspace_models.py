"""An organisation's workspace: co-drafted comments, their history, internal notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Organisation, User
from consult.comments.models import COMMENT_TEXT_MAX
from consult.db import Base, TimestampMixin, bounded_text, utcnow
from consult.drafts.models import Section

WORKSPACE_NOTE_MAX = 5000
DRAFT_OPEN = "draft"
DRAFT_PUBLISHED = "published"
DRAFT_STATUSES = {DRAFT_OPEN: "Draft", DRAFT_PUBLISHED: "Published"}


class WorkspaceDraft(TimestampMixin, Base):
    """A comment an organisation's members write together until a representative approves it.

    `revision` grows with every save: a save based on an older revision is a conflict (shown
    with both texts), never a silent overwrite.
    """

    __tablename__ = "workspace_drafts"
    __table_args__ = (Index("ix_workspace_drafts_org_version", "organisation_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    kind: Mapped[str] = mapped_column(String(12), default="general")
    body: Mapped[str] = bounded_text(COMMENT_TEXT_MAX)
    quote: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    proposed_text: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    proposal_scope: Mapped[str | None] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT_OPEN)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    reminded_at: Mapped[datetime | None]  # the 48-hour warning before the close, sent once

    organisation: Mapped[Organisation] = relationship()
    section: Mapped[Section] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == DRAFT_OPEN


class WorkspaceDraftChange(Base):
    """Who changed a draft, when, and the text it had afterwards (the visible history)."""

    __tablename__ = "workspace_draft_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("workspace_drafts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(12))  # created, edited, approved
    revision: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12), default="general")
    body: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    quote: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    proposed_text: Mapped[str] = bounded_text(COMMENT_TEXT_MAX, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class WorkspaceNote(Base):
    """An internal note on a draft, for the organisation's members only."""

    __tablename__ = "workspace_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("workspace_drafts.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = bounded_text(WORKSPACE_NOTE_MAX)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
