"""The revision workspace: every provision of base and next version with its comments and change."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consult.comments.models import STATE_DELETED, Comment
from consult.drafts import services as drafts
from consult.drafts.diff import Comparison, Row
from consult.drafts.models import STATUS_EDITING, Section
from consult.extensions import db
from consult.moderation.models import REVISION_OPEN, Change, ChangeComment, Disposition, Revision


@dataclass
class WorkspaceRow:
    row: Row
    comments: list[tuple[Comment, Disposition | None]] = field(default_factory=list)
    change: Change | None = None
    linked: dict[int, bool] = field(default_factory=dict)  # comment id -> applied

    @property
    def section(self) -> Section:
        return self.row.new if self.row.new is not None else self.row.old


@dataclass
class Workspace:
    revision: Revision
    comparison: Comparison
    rows: list[WorkspaceRow]
    undecided: int


def base_comments_by_provision(
    revision: Revision, provision_id: int | None = None
) -> dict[int, list[tuple[Comment, Disposition | None]]]:
    """Top-level comments of the base version (with dispositions), by provision (one query)."""
    stmt = (
        select(Comment, Disposition)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .options(joinedload(Comment.category))
        .where(
            Comment.version_id == revision.base_version_id,
            Comment.parent_id.is_(None),
            Comment.state != STATE_DELETED,
        )
        .order_by(Comment.created_at, Comment.id)
    )
    if provision_id is not None:
        stmt = stmt.where(Comment.provision_id == provision_id)
    grouped: dict[int, list[tuple[Comment, Disposition | None]]] = {}
    for comment, disposition in db.session.execute(stmt).all():
        grouped.setdefault(comment.provision_id, []).append((comment, disposition))
    return grouped


def changes_of(revision: Revision) -> tuple[dict[int, Change], dict[int, dict[int, bool]]]:
    """provision_id -> Change, and provision_id -> {comment id: applied} (two queries)."""
    changes = {
        c.provision_id: c
        for c in db.session.scalars(select(Change).where(Change.revision_id == revision.id))
    }
    by_change = {c.id: c.provision_id for c in changes.values()}
    linked: dict[int, dict[int, bool]] = {}
    if by_change:
        for link in db.session.scalars(
            select(ChangeComment).where(ChangeComment.change_id.in_(list(by_change)))
        ):
            linked.setdefault(by_change[link.change_id], {})[link.comment_id] = link.applied
    return changes, linked


def workspace(revision: Revision) -> Workspace:
    comparison = drafts.compare_versions(revision.base_version, revision.version)
    comments = base_comments_by_provision(revision)
    changes, linked = changes_of(revision)
    rows = [
        WorkspaceRow(
            row=row,
            comments=comments.get(row.provision_id, []),
            change=changes.get(row.provision_id),
            linked=linked.get(row.provision_id, {}),
        )
        for row in comparison.rows
    ]
    undecided = sum(
        1 for items in comments.values() for _, d in items if d is None or d.outcome is None
    )
    return Workspace(revision=revision, comparison=comparison, rows=rows, undecided=undecided)


def is_editing(revision: Revision) -> bool:
    return revision.status == REVISION_OPEN and revision.version.status == STATUS_EDITING
