"""State changes of the comments domain (flush, never commit) and the two contract queries."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import aliased

from consult.accounts.affiliation import speaking_for
from consult.comments.counts import counted
from consult.comments.fingerprint import store_fingerprint
from consult.comments.language import quote_language_of, resolve_language
from consult.comments.models import (
    KINDS,
    LOCK_REASONS,
    PROPOSAL_PASSAGE,
    PROPOSAL_PROVISION,
    REPORT_REASONS,
    STAFF_KEY,
    STANCES,
    STATE_DELETED,
    STATE_VISIBLE,
    Comment,
    CommentCount,
    CommentReport,
    CommentRevision,
    Endorsement,
)
from consult.core import outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.permissions import (
    MODERATING_ROLES,
    can_moderate,
    comment_refusal,
    group_role,
    is_admin,
)
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)

# Replies are stored at their true depth; the page nests to this depth and flattens below it.
DISPLAY_DEPTH = 3


class CommentError(Exception):
    """A refused change to a comment; the message is shown to the user."""


# --- contract queries -------------------------------------------------------------------


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def visible_comments_filter(user: Any, document: Any) -> ColumnElement[bool]:
    """Where-clause hiding confidential comments from everyone but their thread's author,
    the group's chairs and moderators, and admins."""
    if can_moderate(user, document):
        return true()
    public = Comment.is_confidential.is_(False)
    if not _authenticated(user):
        return public
    # Replies inherit their thread's confidentiality, so the author of a confidential
    # comment also sees the chairs' answers to it.
    root = aliased(Comment)
    own_roots = select(root.id).where(root.author_id == user.id, root.is_confidential.is_(True))
    return or_(public, Comment.author_id == user.id, Comment.root_id.in_(own_roots))


def may_see(user: Any, comment: Comment) -> bool:
    """One comment, by the same rule as visible_comments_filter (for single-comment pages)."""
    if not comment.is_confidential or can_moderate(user, comment):
        return True
    if not _authenticated(user):
        return False
    if comment.author_id == user.id:
        return True
    if comment.root_id is None:
        return False
    root = db.session.get(Comment, comment.root_id)
    return root is not None and root.author_id == user.id


def counts_by_category(
    version: Any, *, public_only: bool = True
) -> dict[int, dict[int | None, int]]:
    """{section_id: {category_id: n}} of the version's visible comments, in one query.

    Read from the counters (consult.comments.counts): a few rows per section, however many
    comments there are.
    """
    n = counted(public_only)
    stmt = (
        select(CommentCount.section_id, CommentCount.category_id, CommentCount.is_staff, n)
        .where(CommentCount.version_id == version.id)
        .group_by(CommentCount.section_id, CommentCount.category_id, CommentCount.is_staff)
        .having(n > 0)
    )
    counts: dict[int, dict[int | None, int]] = {}
    for section_id, category_id, staff, total in db.session.execute(stmt):
        key = STAFF_KEY if staff else category_id
        cells = counts.setdefault(section_id, {})
        cells[key] = cells.get(key, 0) + int(total)
    return counts


# --- writing ----------------------------------------------------------------------------


def _snapshot_author(comment: Comment, user: Any, group_id: int) -> None:
    """Copy who the author is now, so later changes to user or organisation don't rewrite it."""
    speaks_for = speaking_for(user)  # only a confirmed tie: else an individual
    comment.author_id = user.id
    comment.organisation_id = speaks_for.organisation.id if speaks_for.organisation else None
    comment.organisation_name = speaks_for.label
    comment.category_id = speaks_for.category.id if speaks_for.category else None
    comment.pact_status = speaks_for.pact_status
    role = group_role(user, group_id)
    if role in MODERATING_ROLES:
        comment.author_role = role
    elif is_admin(user):
        comment.author_role = "admin"  # an administrator acting as such in the group
    else:
        comment.author_role = None


def _refuse_unless_open(user: Any, version: Any) -> None:
    refusal = comment_refusal(user, version)
    if refusal:
        raise CommentError(refusal)


def create_comment(
    section: Any,
    *,
    user: Any,
    body: str,
    kind: str = "general",
    quote: str = "",
    proposed_text: str = "",
    proposal_scope: str | None = None,
    confidential: bool = False,
    language: str | None = None,
    quote_language: str | None = None,
) -> Comment:
    """A new top-level comment on a section of a version open for consultation.

    `language` is the comment's (detected from the body when None or "detect");
    `quote_language` the translation the quote was taken from, checked against its text.
    """
    version = section.version
    _refuse_unless_open(user, version)
    quote = (quote or "").strip()
    proposed_text = (proposed_text or "").strip()
    if kind not in KINDS:
        raise CommentError(_("Choose the kind of comment."))
    found, quoted_in = quote_language_of(section, quote, quote_language)
    if not found:
        raise CommentError(_("The quoted passage must be copied exactly from the provision."))
    scope = _scope(proposed_text, proposal_scope, quote)
    comment = Comment(
        version_id=version.id,
        section_id=section.id,
        provision_id=section.provision_id,
        depth=0,
        kind=kind,
        body=body.strip(),
        quote=quote,
        proposed_text=proposed_text,
        proposal_scope=scope,
        is_confidential=bool(confidential),
        language=resolve_language(language, body),
        quote_language=quoted_in,
    )
    _snapshot_author(comment, user, version.document.group_id)
    db.session.add(comment)
    db.session.flush()
    store_fingerprint(comment)
    return comment


def _scope(proposed_text: str, scope: str | None, quote: str) -> str | None:
    if not proposed_text:
        return None
    scope = scope or PROPOSAL_PROVISION
    if scope not in (PROPOSAL_PASSAGE, PROPOSAL_PROVISION):
        raise CommentError(_("Choose what your proposed text replaces."))
    if scope == PROPOSAL_PASSAGE and not quote:
        raise CommentError(_("To replace only a passage, quote that passage."))
    return scope


def create_reply(parent: Comment, *, user: Any, body: str, language: str | None = None) -> Comment:
    """A reply in the parent's thread; it inherits the thread's confidentiality."""
    section = parent.section
    _refuse_unless_open(user, section.version)
    if parent.state != STATE_VISIBLE:
        raise CommentError(_("This comment can no longer be answered."))
    if not may_see(user, parent):
        raise CommentError(_("You cannot see this comment."))
    reply = Comment(
        version_id=parent.version_id,
        section_id=parent.section_id,
        provision_id=parent.provision_id,
        parent_id=parent.id,
        root_id=parent.root_id or parent.id,
        depth=parent.depth + 1,
        kind="general",
        body=body.strip(),
        is_confidential=parent.is_confidential,
        language=resolve_language(language, body),
    )
    _snapshot_author(reply, user, section.version.document.group_id)
    db.session.add(reply)
    db.session.flush()
    author = parent.author
    if author.id != user.id and author.is_active:
        outbox.notify(
            author,
            _l("%(name)s replied to your comment", name=user.display_name),
            "comment_reply",
            reply=reply,
            parent=parent,
            section=section,
            replier=user,
        )
    return reply


def edit_comment(
    comment: Comment,
    *,
    user: Any,
    body: str,
    kind: str | None = None,
    quote: str | None = None,
    proposed_text: str | None = None,
    proposal_scope: str | None = None,
    language: str | None = None,
    quote_language: str | None = None,
) -> Comment:
    """The author's edit within the window; the previous text is kept as a CommentRevision."""
    from consult.core.permissions import can_edit_comment

    if comment.locked_reason:
        raise CommentError(LOCK_REASONS[comment.locked_reason])
    if not can_edit_comment(user, comment):
        raise CommentError(_("You can no longer edit this comment."))
    new_quote = comment.quote if quote is None else quote.strip()
    new_proposal = comment.proposed_text if proposed_text is None else proposed_text.strip()
    new_quote_language = comment.quote_language
    if new_quote != comment.quote or (quote_language or None) != comment.quote_language:
        found, new_quote_language = quote_language_of(
            comment.section, new_quote, quote_language if quote is not None else None
        )
        if not found:
            raise CommentError(_("The quoted passage must be copied exactly from the provision."))
    new_language = resolve_language(language, body) if language else comment.language
    new_scope = (
        _scope(new_proposal, proposal_scope, new_quote)
        if comment.parent_id is None
        else comment.proposal_scope
    )
    new_kind = kind if kind in KINDS else comment.kind
    new_body = body.strip()
    if (new_body, new_quote, new_proposal, new_scope, new_kind) == (
        comment.body,
        comment.quote,
        comment.proposed_text,
        comment.proposal_scope,
        comment.kind,
    ):
        # Only its language corrected: no new revision, the text is the same.
        comment.language, comment.quote_language = new_language, new_quote_language
        return comment
    db.session.add(
        CommentRevision(
            comment_id=comment.id,
            created_at=comment.edited_at or comment.created_at,
            body=comment.body,
            quote=comment.quote,
            proposed_text=comment.proposed_text,
        )
    )
    comment.body, comment.quote, comment.proposed_text = new_body, new_quote, new_proposal
    comment.proposal_scope, comment.kind = new_scope, new_kind
    comment.language, comment.quote_language = new_language, new_quote_language
    comment.edited_at = utcnow()
    store_fingerprint(comment)
    db.session.flush()
    return comment


def delete_comment(comment: Comment, *, user: Any) -> Comment:
    """Soft delete by the author: a placeholder keeps the replies in place."""
    from consult.core.permissions import can_edit_comment

    if comment.locked_reason:
        raise CommentError(LOCK_REASONS[comment.locked_reason])
    if not can_edit_comment(user, comment):
        raise CommentError(_("You can no longer delete this comment."))
    comment.state = STATE_DELETED
    comment.deleted_at = utcnow()
    db.session.flush()
    return comment


def lock_comment(comment: Comment, reason: str) -> None:
    """Make a comment part of the record: its author can no longer edit or delete it.

    The first reason is kept (a later one does not unlock anything). Called by moderation when
    a comment is answered, linked to a change, or becomes the original of a duplicate.
    """
    if reason not in LOCK_REASONS:
        raise ValueError(f"unknown lock reason {reason!r}")
    if comment.locked_reason is None:
        comment.locked_reason = reason
        db.session.flush()


def set_endorsement(comment: Comment, *, user: Any, stance: str) -> Endorsement | None:
    """Support or oppose someone else's comment once; "withdraw" removes the endorsement."""
    _refuse_unless_open(user, comment.section.version)
    if comment.author_id == user.id:
        raise CommentError(_("You cannot endorse your own comment."))
    if comment.is_confidential:
        raise CommentError(_("Confidential comments cannot be endorsed."))
    if comment.state != STATE_VISIBLE:
        raise CommentError(_("This comment can no longer be endorsed."))
    existing = db.session.scalars(
        select(Endorsement).where(
            Endorsement.comment_id == comment.id, Endorsement.user_id == user.id
        )
    ).first()
    if stance == "withdraw":
        if existing is not None:
            db.session.delete(existing)  # a preference, not user content: nothing to keep
            db.session.flush()
        return None
    if stance not in STANCES:
        raise CommentError(_("Choose support or oppose."))
    if existing is None:
        existing = Endorsement(comment_id=comment.id, user_id=user.id)
        db.session.add(existing)
    existing.stance = stance
    category = speaking_for(user).category
    existing.category_id = category.id if category else None
    db.session.flush()
    return existing


def report_comment(comment: Comment, *, user: Any, reason: str, note: str = "") -> CommentReport:
    """A signed-in user's report, once per comment, queued for the moderators."""
    if reason not in REPORT_REASONS:
        raise CommentError(_("Choose why you are reporting this comment."))
    if comment.author_id == user.id:
        raise CommentError(_("You cannot report your own comment."))
    if comment.state != STATE_VISIBLE:
        raise CommentError(_("This comment is no longer shown, so it cannot be reported."))
    already = db.session.scalar(
        select(CommentReport.id).where(
            CommentReport.comment_id == comment.id, CommentReport.reporter_id == user.id
        )
    )
    if already is not None:
        raise CommentError(_("You have already reported this comment."))
    report = CommentReport(
        comment_id=comment.id, reporter_id=user.id, reason=reason, note=(note or "").strip()
    )
    db.session.add(report)
    db.session.flush()
    from consult.comments.report_notices import notify_new_report

    notify_new_report(report)
    return report
