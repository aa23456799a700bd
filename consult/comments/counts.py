"""Comment counters per section and category: reading them, and rebuilding them from comments."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import case, delete, func, insert, select

from consult.comments.models import STATE_VISIBLE, Comment, CommentCount
from consult.extensions import db

logger = logging.getLogger(__name__)


def counted(public_only: bool) -> Any:
    """The summed counter column: public comments, or all visible ones."""
    column = CommentCount.public_count if public_only else CommentCount.all_count
    return func.sum(column)


def recount_statement() -> Any:
    """What the counters must hold, computed from the comments themselves."""
    return (
        select(
            Comment.version_id,
            Comment.section_id,
            Comment.category_id,
            func.sum(case((Comment.is_confidential.is_(False), 1), else_=0)),
            func.count(Comment.id),
        )
        .where(Comment.state == STATE_VISIBLE)
        .group_by(Comment.version_id, Comment.section_id, Comment.category_id)
    )


def recount() -> int:
    """Rebuild every counter from the comments (after a bulk load or a repair); returns rows."""
    db.session.execute(delete(CommentCount))
    db.session.execute(
        insert(CommentCount).from_select(
            ["version_id", "section_id", "category_id", "public_count", "all_count"],
            recount_statement(),
        )
    )
    db.session.flush()
    rows = int(db.session.scalar(select(func.count(CommentCount.id))) or 0)
    logger.info("comment counters rebuilt: %s rows", rows)
    return rows
