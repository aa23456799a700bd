"""The triage queue's queries: one page of ids first, then the details of those rows only."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload

from consult.accounts.models import User
from consult.comments.models import STATE_DELETED, Comment, CommentReport, Endorsement
from consult.core.pagination import Page
from consult.drafts.models import Section, Version
from consult.extensions import db
from consult.moderation.models import N_, OUTCOMES, Disposition

logger = logging.getLogger(__name__)

SORTS = {
    "newest": N_("Newest first"),
    "oldest": N_("Oldest first"),
    "provision": N_("Provision order"),
    "endorsed": N_("Most endorsed"),
}


@dataclass
class TriageFilters:
    provision_id: int | None = None
    category_id: int | None = None
    kind: str | None = None
    proposal: str | None = None  # "yes" / "no"
    status: str | None = None  # "undecided" / "decided" / an outcome
    reported: bool = False
    assignee: str | None = None  # "mine" / "unassigned"
    language: str | None = None  # the comment's language (an EU language code)
    sort: str = "newest"


def _support_count() -> Any:
    """Supporting endorsements of the outer comment (an index lookup per comment)."""
    return (
        select(func.count(Endorsement.id))
        .where(Endorsement.comment_id == Comment.id, Endorsement.stance == "support")
        .scalar_subquery()
    )


def _open_reports() -> Any:
    return (
        select(func.count(CommentReport.id))
        .where(CommentReport.comment_id == Comment.id, CommentReport.status == "open")
        .scalar_subquery()
    )


def _reply_count() -> Any:
    reply = aliased(Comment)
    return select(func.count(reply.id)).where(reply.root_id == Comment.id).scalar_subquery()


def triage_ids(version: Version, filters: TriageFilters, user: User) -> Select[Any]:
    """Ids of the version's top-level comments (confidential and hidden included), filtered,
    unordered; joins a table only when a filter needs it, and counts nothing."""
    stmt = select(Comment.id).where(
        Comment.version_id == version.id,
        Comment.parent_id.is_(None),
        Comment.state != STATE_DELETED,
    )
    if filters.provision_id:
        stmt = stmt.where(Comment.provision_id == filters.provision_id)
    if filters.category_id:
        stmt = stmt.where(Comment.category_id == filters.category_id)
    if filters.kind:
        stmt = stmt.where(Comment.kind == filters.kind)
    if filters.language:
        stmt = stmt.where(Comment.language == filters.language)
    if filters.proposal == "yes":
        stmt = stmt.where(Comment.proposed_text != "")
    elif filters.proposal == "no":
        stmt = stmt.where(Comment.proposed_text == "")
    if filters.status or filters.assignee:
        stmt = stmt.outerjoin(Disposition, Disposition.comment_id == Comment.id)
    if filters.status == "undecided":
        stmt = stmt.where(Disposition.outcome.is_(None))
    elif filters.status == "decided":
        stmt = stmt.where(Disposition.outcome.is_not(None))
    elif filters.status in OUTCOMES:
        stmt = stmt.where(Disposition.outcome == filters.status)
    if filters.assignee == "mine":
        stmt = stmt.where(Disposition.assignee_id == user.id)
    elif filters.assignee == "unassigned":
        stmt = stmt.where(Disposition.assignee_id.is_(None))
    if filters.reported:
        stmt = stmt.where(
            Comment.id.in_(select(CommentReport.comment_id).where(CommentReport.status == "open"))
        )
    return stmt


def ordered(stmt: Select[Any], sort: str) -> Select[Any]:
    """The queue's order; only the provision order needs a join (sections)."""
    if sort == "oldest":
        return stmt.order_by(Comment.created_at.asc(), Comment.id.asc())
    if sort == "provision":
        return stmt.join(Section, Section.id == Comment.section_id).order_by(
            Section.position.asc(), Comment.created_at.asc(), Comment.id.asc()
        )
    if sort == "endorsed":
        return stmt.order_by(_support_count().desc(), Comment.created_at.desc(), Comment.id.desc())
    return stmt.order_by(Comment.created_at.desc(), Comment.id.desc())


def _filtered(filters: TriageFilters) -> bool:
    return any(
        (
            filters.provision_id,
            filters.category_id,
            filters.kind,
            filters.proposal,
            filters.status,
            filters.reported,
            filters.assignee,
            filters.language,
        )
    )


def triage_page(
    version: Version,
    filters: TriageFilters,
    user: User,
    *,
    page: int,
    per_page: int,
    unfiltered_total: int | None = None,
) -> Page:
    """One page of the queue: items are (comment, disposition, endorsements, reports, replies).

    At most three queries whatever the size: the total (filters only; skipped when nothing is
    filtered and `unfiltered_total` is known), the page's ids (filters, sort, limit), and the
    details and counts of those ids alone.
    """
    ids_stmt = triage_ids(version, filters, user)
    if unfiltered_total is not None and not _filtered(filters):
        total: int | None = unfiltered_total
    else:
        total = db.session.scalar(select(func.count()).select_from(ids_stmt.subquery()))
    page = max(1, page)
    page_stmt = ordered(ids_stmt, filters.sort).limit(per_page).offset((page - 1) * per_page)
    ids = list(db.session.scalars(page_stmt))
    items: list[tuple[Any, ...]] = []
    if ids:
        rows = db.session.execute(
            select(
                Comment,
                Disposition,
                _support_count().label("endorsements"),
                _open_reports().label("reports"),
                _reply_count().label("replies"),
            )
            .outerjoin(Disposition, Disposition.comment_id == Comment.id)
            .options(
                joinedload(Comment.author),
                joinedload(Comment.category),
                joinedload(Comment.section),
                joinedload(Disposition.assignee),
            )
            .where(Comment.id.in_(ids))
        ).all()
        by_id = {row[0].id: tuple(row) for row in rows}
        items = [by_id[i] for i in ids if i in by_id]
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def triage_counts(version: Version) -> dict[str, int]:
    """How many top-level comments the version has, and how many are still undecided."""
    row = db.session.execute(
        select(
            func.count(Comment.id),
            func.count(Comment.id).filter(Disposition.outcome.is_(None)),
        )
        .select_from(Comment)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(
            Comment.version_id == version.id,
            Comment.parent_id.is_(None),
            Comment.state != STATE_DELETED,
        )
    ).one()
    return {"total": int(row[0] or 0), "undecided": int(row[1] or 0)}
