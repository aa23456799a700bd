"""The moderation domain's part of a person's data export and of erasing an account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update

from consult.comments.models import STATE_DELETED, Comment
from consult.core.userdata import table_rows
from consult.extensions import db
from consult.moderation.models import Disposition, DispositionRecord


def user_data_files(user: Any) -> dict[str, Any]:
    """What was decided on the person's comments, and (staff) the decisions they took."""
    own = select(Comment.id).where(Comment.author_id == user.id).scalar_subquery()
    return {
        "files": [
            (
                "dispositions_of_my_comments.json",
                table_rows(Disposition, Disposition.comment_id.in_(own), leave_out=["assignee_id"]),
            ),
            (
                "disposition_history_of_my_comments.json",
                table_rows(DispositionRecord, DispositionRecord.comment_id.in_(own)),
            ),
            (
                "decisions_made.json",
                table_rows(DispositionRecord, DispositionRecord.decided_by_id == user.id),
            ),
        ]
    }


def erase_decided_text(user: Any) -> dict[str, Any]:
    """A disposition keeps the comment's text as decided; when the comment leaves with its
    author (confidential or self-deleted), that copy goes too. The decision itself stays."""
    leaving = select(Comment.id).where(
        Comment.author_id == user.id,
        or_(Comment.is_confidential.is_(True), Comment.state == STATE_DELETED),
    )
    db.session.execute(
        update(Disposition)
        .where(Disposition.comment_id.in_(leaving))
        .values(decided_body="", decided_quote="", decided_proposed_text="")
    )
    db.session.flush()
    return {}
