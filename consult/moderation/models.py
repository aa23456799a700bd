"""Dispositions of comments, revisions preparing the next version, and their changes."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.comments.models import COMMENT_TEXT_MAX, Comment
from consult.db import Base, TimestampMixin, bounded_text
from consult.drafts.models import Version

RATIONALE_MAX = 5000  # a disposition's rationale (published with the comment)
NOTE_MAX = 2000  # a change's note in the revision workspace


def N_(message: str) -> str:
    """Marks a msgid for extraction and returns it unchanged: the English label stays the value
    (audit summaries, CSV cells); pages and forms translate it where shown (`outcome_labels`)."""
    return message


OUTCOMES = {
    "accepted": N_("Accepted"),
    "partly_accepted": N_("Partly accepted"),
    "rejected": N_("Rejected"),
    "noted": N_("Noted"),
    "duplicate": N_("Duplicate"),
    "out_of_scope": N_("Out of scope"),
}
NOT_DECIDED = N_("Not yet decided")


def outcome_labels() -> dict[str, str]:
    """The outcomes' labels in the current language (for pages and form choices)."""
    return {key: gettext(label) for key, label in OUTCOMES.items()}


REVISION_OPEN = "open"
REVISION_PUBLISHED = "published"


class Disposition(TimestampMixin, Base):
    """The answer to a top-level comment; revisable until the next version is published."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), unique=True)
    outcome: Mapped[str | None] = mapped_column(String(16), index=True)  # None: not yet decided
    rationale: Mapped[str] = bounded_text(RATIONALE_MAX, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    # The comment's text when it was decided: the report quotes this, whatever happens later.
    decided_body: Mapped[str | None] = bounded_text(COMMENT_TEXT_MAX)
    decided_quote: Mapped[str | None] = bounded_text(COMMENT_TEXT_MAX)
    decided_proposed_text: Mapped[str | None] = bounded_text(COMMENT_TEXT_MAX)

    comment: Mapped[Comment] = relationship(foreign_keys=[comment_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def label(self) -> str:
        return gettext(OUTCOMES.get(self.outcome or "", NOT_DECIDED))


class DispositionRecord(Base):
    """History: every disposition a comment was given, in order."""

    __tablename__ = "disposition_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    rationale: Mapped[str] = bounded_text(RATIONALE_MAX, default="")
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]

    decided_by: Mapped[User] = relationship()

    @property
    def label(self) -> str:
        label = OUTCOMES.get(self.outcome)
        return gettext(label) if label else self.outcome


class Revision(TimestampMixin, Base):
    """A workspace preparing version N+1 (an editing Version) from published version N."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    base_version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=REVISION_OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    base_version: Mapped[Version] = relationship(foreign_keys=[base_version_id])
    version: Mapped[Version] = relationship(foreign_keys=[version_id])


class Change(TimestampMixin, Base):
    """Why a provision changed in a revision: the comments that motivated it.

    What kind of change it was (added, edited, moved, removed, renumbered) is not stored:
    it is derived from comparing the two versions, so it can never disagree with the text.
    """

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("revision_id", "provision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), index=True)
    note: Mapped[str] = bounded_text(NOTE_MAX, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ChangeComment(Base):
    """A comment behind a change; `applied` when its proposed text was applied verbatim."""

    __tablename__ = "change_comments"
    __table_args__ = (UniqueConstraint("change_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("changes.id"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    applied: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
