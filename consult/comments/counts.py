"""Comment counters per section and category: reading them, and rebuilding them from comments."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select

from consult.comments.models import (
    STAFF_KEY,
    STATE_VISIBLE,
    Comment,
    CommentCount,
)
from consult.core.lazytext import lazy_gettext as _l
from consult.extensions import db

logger = logging.getLogger(__name__)


def counted(public_only: bool) -> Any:
    """The summed counter column: public comments, or all visible ones."""
    column = CommentCount.public_count if public_only else CommentCount.all_count
    return func.sum(column)


def recount_statement() -> Any:
    """What the counters must hold, computed from the comments themselves."""
    # Staff (author_role set) are counted apart, with no category: as the listeners do.
    staff = Comment.author_role.is_not(None)
    category = case((staff, literal(None)), else_=Comment.category_id)
    return (
        select(
            Comment.version_id,
            Comment.section_id,
            category,
            staff,
            func.sum(case((Comment.is_confidential.is_(False), 1), else_=0)),
            func.count(Comment.id),
        )
        .where(Comment.state == STATE_VISIBLE)
        .group_by(Comment.version_id, Comment.section_id, category, staff)
    )


def recount() -> int:
    """Rebuild every counter from the comments (after a bulk load or a repair); returns rows."""
    db.session.execute(delete(CommentCount))
    db.session.execute(
        insert(CommentCount).from_select(
            ["version_id", "section_id", "category_id", "is_staff", "public_count", "all_count"],
            recount_statement(),
        )
    )
    db.session.flush()
    rows = int(db.session.scalar(select(func.count(CommentCount.id))) or 0)
    logger.info("comment counters rebuilt: %s rows", rows)
    return rows


@dataclass(frozen=True)
class CountColumn:
    """A column of the per-category counts that is not a stakeholder category."""

    id: int | None
    name: str
    is_retired: bool = False


STAFF_COLUMN = CountColumn(STAFF_KEY, _l("Working group staff"))
NO_CATEGORY_COLUMN = CountColumn(None, _l("No category"))


def count_columns(categories: list[Any], present: set[int | None]) -> list[Any]:
    """The columns of a count table: every active category, retired ones that have counts,
    then "No category" and "Working group staff" when they have any, so the parts shown
    always add up to the total."""
    columns: list[Any] = [c for c in categories if not c.is_retired or c.id in present]
    if None in present:
        columns.append(NO_CATEGORY_COLUMN)
    if STAFF_KEY in present:
        columns.append(STAFF_COLUMN)
    return columns
