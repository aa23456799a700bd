"""Comments counted by the language they are written in (overview filter, report, tables)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, literal, select

from consult.comments.models import STAFF_KEY, STATE_VISIBLE, Comment
from consult.extensions import db


def _visible(version: Any, public_only: bool) -> list[Any]:
    clauses = [Comment.version_id == version.id, Comment.state == STATE_VISIBLE]
    if public_only:
        clauses.append(Comment.is_confidential.is_(False))
    return clauses


def counts_by_language(version: Any, *, public_only: bool = True) -> list[tuple[str, int]]:
    """(language, visible comments and replies) of a version, most frequent first (one query)."""
    n = func.count(Comment.id)
    rows = db.session.execute(
        select(Comment.language, n)
        .where(*_visible(version, public_only))
        .group_by(Comment.language)
        .order_by(n.desc(), Comment.language)
    ).all()
    return [(str(language), int(count)) for language, count in rows]


def counts_by_category_in(
    version: Any, language: str, *, public_only: bool = True
) -> dict[int, dict[int | None, int]]:
    """{section_id: {category_id: n}} of the version's visible comments in one language.

    Counted from the comments (one grouped query on the version's language index), as the
    counters count them: staff apart under STAFF_KEY.
    """
    staff = Comment.author_role.is_not(None)
    category = case((staff, literal(STAFF_KEY)), else_=Comment.category_id)
    rows = db.session.execute(
        select(Comment.section_id, category, func.count(Comment.id))
        .where(*_visible(version, public_only), Comment.language == language)
        .group_by(Comment.section_id, category)
    ).all()
    counts: dict[int, dict[int | None, int]] = {}
    for section_id, category_id, n in rows:
        cells = counts.setdefault(section_id, {})
        cells[category_id] = cells.get(category_id, 0) + int(n)
    return counts
