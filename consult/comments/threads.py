"""Threads on a provision page: one query per page of threads, nested in Python."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select

from consult.accounts.models import StakeholderCategory, User
from consult.comments.models import STATE_VISIBLE, Comment, CommentReport, Endorsement
from consult.comments.queries import categories
from consult.comments.services import DISPLAY_DEPTH, visible_comments_filter
from consult.core.pagination import Page
from consult.drafts.models import Document, Section, Version
from consult.extensions import db

logger = logging.getLogger(__name__)
THREADS_PER_PAGE = 30
# Carry-over from earlier versions is a preview: the newest threads of each earlier version, the
# rest one link away on that version's own (paginated) provision page.
EARLIER_THREADS_SHOWN = 5


@dataclass
class Node:
    """One comment on screen, with what the page needs to render it."""

    comment: Comment
    author_name: str
    version_number: int
    children: list[Node] = field(default_factory=list)
    in_reply_to: str | None = None  # shown once replies are flattened below DISPLAY_DEPTH
    support: list[tuple[Any, int]] = field(default_factory=list)  # (category|None, n)
    oppose: list[tuple[Any, int]] = field(default_factory=list)
    my_stance: str | None = None
    reported: bool = False

    @property
    def id(self) -> int:
        return self.comment.id

    def walk(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def _comment_rows(stmt: Select[Any]) -> list[tuple[Comment, str, int]]:
    return [(row[0], row[1], row[2]) for row in db.session.execute(stmt)]


def _comments_select(document: Document, user: Any) -> Any:
    return (
        select(Comment, User.display_name, Version.number)
        .join(User, Comment.author_id == User.id)
        .join(Version, Comment.version_id == Version.id)
        .where(visible_comments_filter(user, document))
        .order_by(Comment.created_at, Comment.id)
    )


def build_threads(rows: Sequence[tuple[Comment, str, int]]) -> list[Node]:
    """Nest rows (ordered by time) into threads: nested to DISPLAY_DEPTH, flattened below."""
    nodes = {c.id: Node(comment=c, author_name=name, version_number=n) for c, name, n in rows}
    roots: list[Node] = []
    for node in nodes.values():
        comment = node.comment
        if comment.parent_id is None:
            roots.append(node)
            continue
        parent = nodes.get(comment.parent_id)
        if parent is None:
            continue  # its thread is not on this page (or not visible to this reader)
        anchor = parent
        # Deep replies hang under their ancestor at DISPLAY_DEPTH - 1, saying whom they answer.
        while anchor.comment.depth >= DISPLAY_DEPTH and anchor.comment.parent_id in nodes:
            anchor = nodes[anchor.comment.parent_id]
        if anchor is not parent:
            node.in_reply_to = parent.author_name
        anchor.children.append(node)
    return roots


def _category_order() -> Any:
    return (
        select(StakeholderCategory.position)
        .where(StakeholderCategory.id == Comment.category_id)
        .scalar_subquery()
    )


@dataclass
class EarlierVersion:
    """Carry-over from one earlier version: its newest threads and how many there are."""

    number: int
    threads: list[Node]  # at most EARLIER_THREADS_SHOWN, oldest first
    thread_total: int  # threads the reader may see (category filter applied)
    comment_total: int  # comments the reader may see, replies included, hidden ones not

    @property
    def truncated(self) -> bool:
        return self.thread_total > len(self.threads)


@dataclass
class ThreadView:
    threads: list[Node]
    page: Page
    groups: list[tuple[Any, list[Node]]]  # (category|None, threads) when grouped
    earlier: list[EarlierVersion]  # carry-over, newest version first
    nodes: list[Node]


def thread_view(
    section: Section,
    user: Any,
    *,
    category_ids: list[int] | None = None,
    group: bool = False,
    thread_id: int | None = None,
    page: int = 1,
    category_map: dict[Any, Any] | None = None,
) -> ThreadView:
    """The section's threads for one page, plus carry-over from earlier versions.

    Queries: one COUNT and one SELECT for this page's threads, three for the earlier versions'
    (see earlier_versions), two for endorsements and one for the reader's reports, whatever the
    data size.
    """
    version = section.version
    document = version.document
    roots = select(Comment.id).where(
        Comment.section_id == section.id,
        Comment.parent_id.is_(None),
        visible_comments_filter(user, document),
    )
    if category_ids:
        roots = roots.where(Comment.category_id.in_(category_ids))
    if thread_id is not None:
        roots = roots.where(Comment.id == thread_id)
    order: list[Any] = [Comment.created_at, Comment.id]
    if group:
        order = [func.coalesce(_category_order(), literal(10_000)), *order]
    roots = roots.order_by(*order)
    total = db.session.scalar(select(func.count()).select_from(roots.order_by(None).subquery()))
    page = max(1, page)
    page_ids = roots.limit(THREADS_PER_PAGE).offset((page - 1) * THREADS_PER_PAGE).subquery()
    # Replies share their root's section: the section index bounds the scan to this provision's
    # comments instead of every comment of the database.
    stmt = _comments_select(document, user).where(
        Comment.section_id == section.id,
        func.coalesce(Comment.root_id, Comment.id).in_(select(page_ids.c.id)),
    )
    threads = build_threads(_comment_rows(stmt))
    cat_map = category_map if category_map is not None else {c.id: c for c in categories()}
    if group:
        threads.sort(
            key=lambda n: (
                _position(cat_map, n.comment.category_id),
                n.comment.created_at,
                n.comment.id,
            )
        )

    earlier: list[EarlierVersion] = []
    if thread_id is None and page == 1:
        earlier = earlier_versions(section, user, category_ids=category_ids)

    all_nodes = [n for t in threads for n in t.walk()]
    all_nodes += [n for e in earlier for t in e.threads for n in t.walk()]
    decorate(all_nodes, user, cat_map)
    groups: list[tuple[Any, list[Node]]] = []
    if group:
        for node in threads:
            category = cat_map.get(node.comment.category_id)
            if not groups or groups[-1][0] is not category:
                groups.append((category, []))
            groups[-1][1].append(node)
    return ThreadView(
        threads=threads,
        page=Page(items=threads, page=page, per_page=THREADS_PER_PAGE, total=total or 0),
        groups=groups,
        earlier=earlier,
        nodes=all_nodes,
    )


def earlier_versions(
    section: Section,
    user: Any,
    *,
    category_ids: list[int] | None = None,
    limit: int = EARLIER_THREADS_SHOWN,
) -> list[EarlierVersion]:
    """The provision's comments on earlier versions of the document, bounded per version.

    Three queries whatever the number of comments: one aggregate (threads and comments per
    version), the ids of the newest `limit` threads of each version (ROW_NUMBER() per
    version), and those threads with all their replies. All use the list's visibility
    filter, so a count never includes a comment the reader could not see; hidden and deleted
    ones are not counted.
    """
    version = section.version
    document = version.document
    earlier_of_provision = and_(
        Comment.provision_id == section.provision_id,
        Version.document_id == document.id,
        Version.number < version.number,
        visible_comments_filter(user, document),
    )
    is_thread: ColumnElement[bool] = Comment.parent_id.is_(None)
    if category_ids:
        is_thread = and_(is_thread, Comment.category_id.in_(category_ids))
    totals = db.session.execute(
        select(
            Version.number,
            func.sum(case((is_thread, 1), else_=0)),
            func.sum(case((Comment.state == STATE_VISIBLE, 1), else_=0)),
        )
        .join(Version, Comment.version_id == Version.id)
        .where(earlier_of_provision)
        .group_by(Version.number)
    ).all()
    if not totals:
        return []
    ranked = (
        select(
            Comment.id,
            func.row_number()
            .over(
                partition_by=Comment.version_id,
                order_by=(Comment.created_at.desc(), Comment.id.desc()),
            )
            .label("rank"),
        )
        .join(Version, Comment.version_id == Version.id)
        .where(earlier_of_provision, is_thread)
        .subquery()
    )
    # The ids first, as a list: with `id IN (subquery) OR root_id IN (subquery)` PostgreSQL
    # scans every comment; with literal ids it reads roots by primary key and replies by the
    # root_id index, so only the shown threads are read.
    newest = list(db.session.scalars(select(ranked.c.id).where(ranked.c.rank <= limit)))
    by_version: dict[int, list[Node]] = {}
    if newest:
        stmt = _comments_select(document, user).where(
            or_(Comment.id.in_(newest), Comment.root_id.in_(newest))
        )
        for root in build_threads(_comment_rows(stmt)):
            by_version.setdefault(root.version_number, []).append(root)
    return [
        EarlierVersion(
            number=number,
            threads=by_version.get(number, []),
            thread_total=int(threads or 0),
            comment_total=int(comments or 0),
        )
        for number, threads, comments in sorted(totals, reverse=True)
        if threads
    ]


def _position(cat_map: dict[Any, Any], category_id: int | None) -> int:
    category = cat_map.get(category_id) if category_id is not None else None
    return category.position if category is not None else 10_000


def decorate(nodes: list[Node], user: Any, cat_map: dict[Any, Any]) -> None:
    """Endorsement counts per category, the reader's own stance and reports: three queries."""
    ids = [n.id for n in nodes if n.comment.state == STATE_VISIBLE]
    if not ids:
        return
    by_id = {n.id: n for n in nodes}
    counts = db.session.execute(
        select(
            Endorsement.comment_id,
            Endorsement.stance,
            Endorsement.category_id,
            func.count(Endorsement.id),
        )
        .where(Endorsement.comment_id.in_(ids))
        .group_by(Endorsement.comment_id, Endorsement.stance, Endorsement.category_id)
    ).all()
    for comment_id, stance, category_id, n in sorted(
        counts, key=lambda r: (r[0], _position(cat_map, r[2]))
    ):
        target = by_id[comment_id].support if stance == "support" else by_id[comment_id].oppose
        target.append((cat_map.get(category_id), n))
    if not getattr(user, "is_authenticated", False):
        return
    for comment_id, stance in db.session.execute(
        select(Endorsement.comment_id, Endorsement.stance).where(
            Endorsement.user_id == user.id, Endorsement.comment_id.in_(ids)
        )
    ):
        by_id[comment_id].my_stance = stance
    for comment_id in db.session.scalars(
        select(CommentReport.comment_id).where(
            CommentReport.reporter_id == user.id, CommentReport.comment_id.in_(ids)
        )
    ):
        by_id[comment_id].reported = True


def single_node(comment: Comment, user: Any) -> Node:
    """One comment rendered alone (reply, edit, report pages)."""
    node = Node(
        comment=comment,
        author_name=comment.author.display_name,
        version_number=comment.section.version.number,
    )
    decorate([node], user, {c.id: c for c in categories()})
    return node
