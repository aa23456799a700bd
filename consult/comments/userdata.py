"""The comments domain's part of a person's data export and of erasing an account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from consult.accounts.affiliation import FORMER_PARTICIPANT
from consult.comments.models import (
    STATE_DELETED,
    Comment,
    CommentReport,
    CommentRevision,
    Endorsement,
    PendingComment,
)
from consult.comments.pending import PENDING_LIFETIME
from consult.core import hooks
from consult.core.userdata import table_rows
from consult.db import utcnow
from consult.extensions import db


def user_data_files(user: Any) -> dict[str, Any]:
    own = select(Comment.id).where(Comment.author_id == user.id).scalar_subquery()
    return {
        "files": [
            ("comments.json", table_rows(Comment, Comment.author_id == user.id)),
            (
                "comment_history.json",
                table_rows(CommentRevision, CommentRevision.comment_id.in_(own)),
            ),
            (
                "endorsements.json",
                table_rows(Endorsement, Endorsement.user_id == user.id),
            ),
            (
                "reports_made.json",
                table_rows(CommentReport, CommentReport.reporter_id == user.id),
            ),
        ]
    }


def erase_user_comments(user: Any) -> dict[str, Any]:
    """Confidential and self-deleted comments leave with the person; public ones stay.

    The rows stay as empty "deleted" placeholders (house rule: user content is never
    hard-deleted, and replies, dispositions and change links point at them by id), but their
    text and earlier versions are blanked, which is what "they go with them" means here.
    Comments they approved for their organisation keep speaking for it, "approved by" the
    same name an erased author gets (the approver's name was copied onto the comment).
    """
    db.session.execute(
        update(Comment)
        .where(Comment.approved_by_id == user.id)
        .values(approved_by_name=FORMER_PARTICIPANT)
        .execution_options(synchronize_session="fetch")
    )
    leaving = select(Comment.id).where(
        Comment.author_id == user.id,
        or_(Comment.is_confidential.is_(True), Comment.state == STATE_DELETED),
    )
    ids = list(db.session.scalars(leaving))
    for comment in db.session.scalars(select(Comment).where(Comment.id.in_(ids))):
        # Through the ORM so the per-category counters (mapper events) follow the change.
        comment.state = STATE_DELETED
        comment.deleted_at = comment.deleted_at or utcnow()
        comment.body = comment.quote = comment.proposed_text = ""
    if ids:
        db.session.execute(
            update(CommentRevision)
            .where(CommentRevision.comment_id.in_(ids))
            .values(body="", quote="", proposed_text="")
        )
    db.session.flush()
    return {}


def purge_steps(now: datetime) -> dict[str, Any]:
    """Comments stashed after a session expired are tokens that lapse after a day."""

    def run() -> int:
        result = db.session.execute(
            delete(PendingComment).where(PendingComment.created_at < now - PENDING_LIFETIME)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    return {"steps": [("Expired pending comments", run)]}


def register(app: Any) -> None:
    hooks.register(app, "user_data", user_data_files)
    hooks.register(app, "user_erase", erase_user_comments)
    hooks.register(app, "purge", purge_steps)
