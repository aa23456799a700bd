"""API resources of the discussion: a provision's comments, dispositions, comparison, report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort
from sqlalchemy import and_, or_, select

from consult.accounts.models import User
from consult.api import schemas as s
from consult.api.http import (
    CACHE_PRIVATE,
    ApiError,
    cache,
    decode_cursor,
    encode_cursor,
    next_url,
    operation,
    page_limit,
    viewer,
)
from consult.api.resources import _attachment_ref, _cursor, _shared, _url, _version
from consult.attachments.services import attachments_of
from consult.comments import queries as comment_queries
from consult.comments.models import STATE_DELETED, STATE_VISIBLE, Comment
from consult.comments.services import visible_comments_filter
from consult.comments.threads import Node, decorate
from consult.comments.workspace import OWNER_COMMENT
from consult.core.permissions import can_moderate, can_view
from consult.drafts import queries as draft_queries
from consult.drafts.models import Provision
from consult.extensions import db
from consult.moderation import report as report_queries
from consult.moderation.models import Disposition
from consult.moderation.traceability import (
    change_reasons_for,
    public_dispositions,
    section_label,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    """A timestamp as whole microseconds since the epoch (exact, for keyset cursors)."""
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _moment(micros: int) -> datetime:
    try:
        return EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        raise ApiError(400, "The cursor is not one this API gave out.") from None


def _since(stmt: Any, after: list[int] | None) -> Any:
    """Keyset paging in (created_at, id) order: the comments index gives pages without a sort."""
    stmt = stmt.order_by(Comment.created_at, Comment.id)
    if not after:
        return stmt
    moment = _moment(after[0])
    return stmt.where(
        or_(
            Comment.created_at > moment,
            and_(Comment.created_at == moment, Comment.id > after[1]),
        )
    )


def _cursor_after(created_at: datetime, comment_id: int) -> str:
    return encode_cursor([_micros(created_at), comment_id])


def _counts(items: list[tuple[Any, int]]) -> list[s.CategoryCount]:
    return [s.CategoryCount(category=c.slug if c else None, count=n) for c, n in items]


def _disposition(d: Disposition | None) -> s.DispositionSummary | None:
    if d is None or not d.outcome:
        return None
    return s.DispositionSummary(
        outcome=d.outcome,
        label=d.label,
        rationale=d.rationale,
        duplicate_of=d.duplicate_of_id,
        decided_at=d.decided_at,
    )


def _comment(node: Node, readable: bool, slugs: dict[Any, str], **context: Any) -> s.Comment:
    """A comment as the provision page shows it: hidden and deleted ones as placeholders."""
    c = node.comment
    shown = c.state == STATE_VISIBLE or (c.state != STATE_DELETED and readable)
    return s.Comment(
        id=c.id,
        provision_id=c.provision_id,
        version=node.version_number,
        parent_id=c.parent_id,
        root_id=c.root_id,
        state=c.state,  # type: ignore[arg-type]
        created_at=c.created_at,
        edited_at=c.edited_at if shown else None,
        author=node.author_name if shown else None,
        organisation=c.organisation_name if shown else None,
        category=slugs.get(c.category_id) if shown else None,
        author_role=c.author_role if shown else None,
        kind=c.kind,
        language=c.language,
        confidential=c.is_confidential,
        quote=c.quote if shown else None,
        quote_language=c.quote_language if shown else None,
        body=c.body if shown else None,
        proposed_text=c.proposed_text if shown else None,
        proposal_scope=c.proposal_scope if shown else None,
        endorsements=s.Endorsements(support=_counts(node.support), oppose=_counts(node.oppose)),
        disposition=_disposition(context["dispositions"].get(c.id)) if shown else None,
        html_url=context["url"] + f"#comment-{c.id}",
        attachments=[_attachment_ref(a) for a in context["files"].get(c.id, [])] if shown else [],
        on_behalf=c.on_behalf,
    )


@operation(
    "/documents/<slug>/versions/<int:number>/provisions/<key>/comments",
    response=s.CommentPage,
    summary="Comments on a provision, with endorsements per category and dispositions",
    example="/api/v1/documents/transparency/versions/2/provisions/c1-m1/comments",
    tag="comments",
    paginated=True,
)
def list_comments(slug: str, number: int, key: str) -> s.CommentPage:
    """Comments and replies made on this provision in this version, oldest first.

    Public comments for everyone; with a token, also your own confidential comments (and the
    whole of them for the group's chairs and moderators). Hidden comments keep their place
    with their text withheld, as on the page.
    """
    user = viewer()
    version = _version(slug, number)
    section = comment_queries.section_or_404(version, key)
    after = decode_cursor(_cursor())
    limit = page_limit()
    stmt = (
        select(Comment, User.display_name)
        .join(User, Comment.author_id == User.id)
        .where(Comment.section_id == section.id, visible_comments_filter(user, version.document))
        .order_by(Comment.id)
        .limit(limit + 1)
    )
    if after:
        stmt = stmt.where(Comment.id > after[0])
    rows = db.session.execute(stmt).all()
    nodes = [Node(comment=c, author_name=name, version_number=number) for c, name in rows[:limit]]
    categories = comment_queries.categories()
    decorate(nodes, user, {c.id: c for c in categories})
    moderator = can_moderate(user, version)
    context = {
        "dispositions": public_dispositions(n.id for n in nodes if n.comment.parent_id is None),
        "url": _url("comments.show_provision", slug=slug, number=number, key=section.provision.key),
        "files": attachments_of(
            OWNER_COMMENT, [n.id for n in nodes if n.comment.parent_id is None]
        ),
    }
    slugs = {c.id: c.slug for c in categories}
    items = []
    for node in nodes:
        own = bool(getattr(user, "is_authenticated", False)) and node.comment.author_id == user.id
        items.append(_comment(node, moderator or own, slugs, **context))
    cursor = encode_cursor([nodes[-1].id]) if len(rows) > limit else None
    if not _shared(version):
        cache(CACHE_PRIVATE)
    return s.CommentPage(items=items, next_cursor=cursor, next_url=next_url(cursor))


@operation(
    "/documents/<slug>/versions/<int:number>/dispositions",
    response=s.DispositionPage,
    summary="Dispositions given to the comments on a version",
    example="/api/v1/documents/transparency/versions/1/dispositions",
    tag="comments",
    paginated=True,
)
def list_dispositions(slug: str, number: int) -> s.DispositionPage:
    """Decided answers to the top-level comments of this version that the reader may see."""
    user = viewer()
    version = _version(slug, number)
    after = decode_cursor(_cursor(), arity=2)
    limit = page_limit()
    shown_states = (
        Comment.state != STATE_DELETED
        if can_moderate(user, version)
        else Comment.state == STATE_VISIBLE
    )
    stmt = (
        select(Disposition, Provision.key, Comment.provision_id, Comment.created_at)
        .join(Comment, Comment.id == Disposition.comment_id)
        .join(Provision, Provision.id == Comment.provision_id)
        .where(
            Comment.version_id == version.id,
            Comment.parent_id.is_(None),
            Disposition.outcome.is_not(None),
            shown_states,
            visible_comments_filter(user, version.document),
        )
    )
    rows = db.session.execute(_since(stmt, after).limit(limit + 1)).all()
    items = [
        s.Disposition(
            comment_id=d.comment_id,
            provision_id=provision_id,
            provision_key=key,
            outcome=d.outcome or "",
            label=d.label,
            rationale=d.rationale,
            duplicate_of=d.duplicate_of_id,
            decided_at=d.decided_at,
        )
        for d, key, provision_id, _created in rows[:limit]
    ]
    cursor = None
    if len(rows) > limit:
        cursor = _cursor_after(rows[limit - 1][3], rows[limit - 1][0].comment_id)
    if not _shared(version):
        cache(CACHE_PRIVATE)
    return s.DispositionPage(items=items, next_cursor=cursor, next_url=next_url(cursor))


def _side(section: Any) -> s.Side | None:
    if section is None:
        return None
    return s.Side(
        section_id=section.id,
        kind=section.kind,
        number=section.number,
        heading=section.heading,
        body=section.body,
    )


@operation(
    "/documents/<slug>/versions/<int:number>/compare/<int:other>",
    response=s.Comparison,
    summary="The comparison of two versions, provision by provision",
    example="/api/v1/documents/transparency/versions/1/compare/2",
    tag="versions",
)
def compare_versions(slug: str, number: int, other: int) -> s.Comparison:
    """Provisions aligned by identity: added, removed, moved, renumbered, edited, unchanged,
    with the comments that motivated each change."""
    if number == other:
        raise ApiError(400, "A version compared with itself has no differences.")
    first, second = _version(slug, number), _version(slug, other)
    old, new = (first, second) if first.number < second.number else (second, first)
    comparison = draft_queries.compare_versions(old, new)
    reasons = change_reasons_for(new, viewer())
    rows = [
        s.ComparisonRow(
            provision_id=row.provision_id,
            key=row.key,
            status=row.status,  # type: ignore[arg-type]
            flags=sorted(row.flags),
            old=_side(row.old),
            new=_side(row.new),
            because_of=[c.id for c in reasons.get(row.provision_id, [])],
        )
        for row in comparison.rows
    ]
    if not (_shared(old) and _shared(new)):
        cache(CACHE_PRIVATE)
    return s.Comparison(
        document=slug, old=old.number, new=new.number, counts=comparison.counts, rows=rows
    )


@operation(
    "/documents/<slug>/versions/<int:number>/report",
    response=s.Report,
    summary="The disposition-of-comments report of a version",
    example="/api/v1/documents/transparency/versions/1/report",
    tag="comments",
    paginated=True,
)
def get_report(slug: str, number: int) -> s.Report:
    """Counts of dispositions per stakeholder category, and one row per public top-level
    comment with its disposition (confidential and hidden comments never appear)."""
    version = _version(slug, number)
    if not can_view(viewer(), version):
        abort(404)
    after = decode_cursor(_cursor(), arity=2)
    limit = page_limit()
    stmt = _since(report_queries.report_statement(version).order_by(None), after)
    rows = db.session.execute(stmt.limit(limit + 1)).all()
    items = [
        s.ReportRow(
            comment_id=row.comment_id,
            provision_key=row.key,
            provision=section_label(row.section_kind, row.number, row.heading),
            submitted_at=row.created_at,
            category=row.category,
            organisation=row.organisation_name,
            kind=row.kind,
            language=row.language,
            quote=row.quote,
            body=row.body,
            proposed_text=row.proposed_text,
            outcome=row.outcome,
            rationale=row.rationale or "",
            duplicate_of=row.duplicate_of,
            decided_at=row.decided_at,
        )
        for row in rows[:limit]
    ]
    cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        cursor = _cursor_after(last.created_at, last.comment_id)
    if not _shared(version):
        cache(CACHE_PRIVATE)

    def summary(row: Any) -> s.ReportCategory:
        return s.ReportCategory(category=row.name, counts=dict(row.counts), total=row.total)

    # The counts read every comment of the version: given once, on the first page.
    categories, total = report_queries.summary_by_category(version) if not after else ([], None)
    return s.Report(
        document=slug,
        version=number,
        summary=[summary(row) for row in categories] if total else None,
        total=summary(total) if total else None,
        csv_url=_url("moderation.report_csv", slug=slug, number=number),
        items=items,
        next_cursor=cursor,
        next_url=next_url(cursor),
    )
