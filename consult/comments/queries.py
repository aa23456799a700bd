"""Read side of the comments domain: threads, counts, overviews, lists (bounded queries)."""

from __future__ import annotations

import logging
from typing import Any

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from consult.accounts.models import StakeholderCategory, User
from consult.comments.counts import STAFF_COLUMN, counted
from consult.comments.models import (
    STAFF_KEY,
    Comment,
    CommentCount,
    CommentReport,
    CommentRevision,
)
from consult.core.pagination import Page, paginate
from consult.core.permissions import can_view, is_admin, is_member, require_visible
from consult.drafts.models import Document, Provision, Section, Version
from consult.drafts.services import resolve_provision, sections_of
from consult.extensions import db

logger = logging.getLogger(__name__)


# --- loading ----------------------------------------------------------------------------


def version_or_404(slug: str, number: int, user: Any) -> Version:
    """The version, if it exists and `user` may see it (404 otherwise, never 403)."""
    version = db.session.scalars(
        select(Version).join(Document).where(Document.slug == slug, Version.number == number)
    ).first()
    if version is None:
        abort(404)
    require_visible(can_view(user, version))
    return version


def section_or_404(version: Version, key: str) -> Section:
    provision = resolve_provision(version.document, key)
    if provision is None:
        abort(404)
    section = db.session.scalars(
        select(Section).where(
            Section.version_id == version.id, Section.provision_id == provision.id
        )
    ).first()
    if section is None:
        abort(404)
    return section


def categories() -> list[StakeholderCategory]:
    return list(
        db.session.scalars(
            select(StakeholderCategory).order_by(
                StakeholderCategory.position, StakeholderCategory.id
            )
        )
    )


# --- counts -----------------------------------------------------------------------------


def section_counts(section: Section, *, public_only: bool = True) -> dict[int | None, int]:
    """{category_id: n} of the section's visible comments, from the counters."""
    n = counted(public_only)
    stmt = (
        select(CommentCount.category_id, CommentCount.is_staff, n)
        .where(CommentCount.section_id == section.id)
        .group_by(CommentCount.category_id, CommentCount.is_staff)
        .having(n > 0)
    )
    counts: dict[int | None, int] = {}
    for category_id, staff, total in db.session.execute(stmt):
        key = STAFF_KEY if staff else category_id
        counts[key] = counts.get(key, 0) + int(total)
    return counts


def confidential_count(version: Version) -> int:
    """Visible confidential comments of the version (all minus public, from the counters)."""
    return int(
        db.session.scalar(
            select(func.sum(CommentCount.all_count) - func.sum(CommentCount.public_count)).where(
                CommentCount.version_id == version.id
            )
        )
        or 0
    )


def group_balance(group: Any, user: Any) -> list[tuple[Any, int, float]]:
    """Public comments per category on the group's published documents the reader may see."""
    visible_docs = Document.group_id == group.id
    if not (is_admin(user) or is_member(user, group)):
        visible_docs = visible_docs & (Document.visibility == "public")
    rows = db.session.execute(
        select(CommentCount.category_id, CommentCount.is_staff, func.sum(CommentCount.public_count))
        .join(Version, CommentCount.version_id == Version.id)
        .join(Document, Version.document_id == Document.id)
        .where(visible_docs, Version.status != "editing")
        .group_by(CommentCount.category_id, CommentCount.is_staff)
    ).all()
    counts = {category_id: int(n) for category_id, staff, n in rows if n and not staff}
    staff_n = sum(int(n) for _category_id, staff, n in rows if n and staff)
    total = sum(counts.values()) + staff_n
    result: list[tuple[Any, int, float]] = []
    for category in categories():
        n = counts.pop(category.id, 0)
        if n or not category.is_retired:
            result.append((category, n, n / total if total else 0.0))
    if counts:
        n = sum(counts.values())
        result.append((None, n, n / total if total else 0.0))
    if staff_n:
        result.append((STAFF_COLUMN, staff_n, staff_n / total))
    return result


# --- lists ------------------------------------------------------------------------------


def my_comments_page(user: Any) -> Page:
    """Everything `user` wrote, newest first, with where it was written (one page query)."""
    stmt: Any = (
        select(
            Comment,
            Section.number,
            Section.heading,
            Section.kind,
            Provision.key,
            Version.number,
            Document.slug,
            Document.title,
        )
        .join(Section, Comment.section_id == Section.id)
        .join(Provision, Section.provision_id == Provision.id)
        .join(Version, Comment.version_id == Version.id)
        .join(Document, Version.document_id == Document.id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return paginate(stmt, per_page=25)


def reports_page(version: Version, status: str) -> Page:
    """Reports on the version's comments: open ones oldest first, resolved newest first."""
    reporter = aliased(User)
    stmt: Any = (
        select(CommentReport, Comment, reporter.display_name, User.display_name, Section)
        .join(Comment, CommentReport.comment_id == Comment.id)
        .join(reporter, CommentReport.reporter_id == reporter.id)
        .join(User, Comment.author_id == User.id)
        .join(Section, Comment.section_id == Section.id)
        .where(Comment.version_id == version.id)
    )
    if status == "open":
        stmt = stmt.where(CommentReport.status == "open").order_by(
            CommentReport.created_at, CommentReport.id
        )
    else:
        stmt = stmt.where(CommentReport.status != "open").order_by(
            CommentReport.resolved_at.desc(), CommentReport.id.desc()
        )
    return paginate(stmt, per_page=50)


def open_report_count(version: Version) -> int:
    return int(
        db.session.scalar(
            select(func.count(CommentReport.id))
            .join(Comment, CommentReport.comment_id == Comment.id)
            .where(Comment.version_id == version.id, CommentReport.status == "open")
        )
        or 0
    )


def revisions_of(comment: Comment) -> list[CommentRevision]:
    return list(
        db.session.scalars(
            select(CommentRevision)
            .where(CommentRevision.comment_id == comment.id)
            .order_by(CommentRevision.created_at, CommentRevision.id)
        )
    )


def comment_or_404(comment_id: int, user: Any) -> Comment:
    """A comment the reader may see (its draft visible, and confidential only to the allowed)."""
    from consult.comments.services import may_see

    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    require_visible(can_view(user, comment.section.version) and may_see(user, comment))
    return comment


def overview_rows(
    version: Version, *, public_only: bool, language: str | None = None
) -> tuple[list[tuple[Section, dict[int | None, int], int]], dict[int | None, int]]:
    """Provision x category counts for the overview table and chart, and column totals
    (of the comments written in `language` only, when one is given)."""
    from consult.comments.language_counts import counts_by_category_in
    from consult.comments.services import counts_by_category

    if language:
        counts = counts_by_category_in(version, language, public_only=public_only)
    else:
        counts = counts_by_category(version, public_only=public_only)
    rows = []
    column_totals: dict[int | None, int] = {}
    for section in sections_of(version):
        cells = counts.get(section.id, {})
        for category_id, n in cells.items():
            column_totals[category_id] = column_totals.get(category_id, 0) + n
        rows.append((section, cells, sum(cells.values())))
    return rows, column_totals


def commenters_of(version: Version) -> list[User]:
    """Active people with a verified address who commented on (or replied in) the version."""
    authors = select(Comment.author_id).where(Comment.version_id == version.id).distinct()
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(authors),
                User.is_disabled.is_(False),
                User.email_verified_at.is_not(None),
            )
            .order_by(User.id)
        )
    )
