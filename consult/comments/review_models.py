"""An author's request, once per hidden comment, that another staff member review the hiding."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.comments.models import Comment
from consult.db import Base, bounded_text, utcnow

REVIEW_TEXT_MAX = 2000  # the author's reason and the decision's note (both e-mailed)
REVIEW_OPEN, REVIEW_RESTORED, REVIEW_UPHELD = "open", "restored", "upheld"


class ReviewRequest(Base):
    """Decided by a moderator of the group other than the one who hid the comment."""

    __tablename__ = "review_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = bounded_text(REVIEW_TEXT_MAX)
    status: Mapped[str] = mapped_column(String(10), default=REVIEW_OPEN)
    decision_note: Mapped[str] = bounded_text(REVIEW_TEXT_MAX, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    comment: Mapped[Comment] = relationship()
