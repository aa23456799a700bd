"""Moderators' actions on comments: hide, unhide, and decisions on reports (audited)."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import STATE_HIDDEN, STATE_VISIBLE, Comment, CommentReport
from consult.comments.report_notices import notify_outcome
from consult.comments.services import CommentError
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)


def hide_comment(comment: Comment, *, moderator: Any, reason: str) -> Comment:
    """A moderator hides a comment with a reason; audited, and the author is told."""
    reason = reason.strip()
    if not reason:
        raise CommentError(_("Give the reason for hiding this comment."))
    if comment.state != STATE_VISIBLE:
        raise CommentError(_("Only a visible comment can be hidden."))
    comment.state = STATE_HIDDEN
    comment.hidden_reason = reason
    comment.hidden_by_id = moderator.id
    comment.hidden_at = utcnow()
    audit.record(
        moderator,
        "comment.hide",
        comment,
        summary=reason,
        before={"state": STATE_VISIBLE},
        after={"state": STATE_HIDDEN, "reason": reason},
    )
    _resolve_open_reports(comment, moderator, "upheld")
    if comment.author.is_active:
        outbox.notify(
            comment.author,
            _l("A moderator hid your comment"),
            "comment_hidden",
            comment=comment,
            reason=reason,
            section=comment.section,
        )
    db.session.flush()
    return comment


def unhide_comment(comment: Comment, *, moderator: Any) -> Comment:
    """Undo a hide; audited, and the author is told."""
    if comment.state != STATE_HIDDEN:
        raise CommentError(_("This comment is not hidden."))
    before = {"state": STATE_HIDDEN, "reason": comment.hidden_reason}
    comment.state = STATE_VISIBLE
    comment.hidden_reason = ""
    comment.hidden_by_id = None
    comment.hidden_at = None
    audit.record(moderator, "comment.unhide", comment, before=before, after={"state": "visible"})
    if comment.author.is_active:
        outbox.notify(
            comment.author,
            _l("Your comment is visible again"),
            "comment_unhidden",
            comment=comment,
            section=comment.section,
        )
    db.session.flush()
    return comment


def _resolve_open_reports(comment: Comment, moderator: Any, status: str) -> None:
    reports = db.session.scalars(
        select(CommentReport).where(
            CommentReport.comment_id == comment.id, CommentReport.status == "open"
        )
    ).all()
    now = utcnow()
    for report in reports:
        report.status = status
        report.resolved_by_id = moderator.id
        report.resolved_at = now
    notify_outcome(list(reports), _l("the comment was hidden"), moderator)


def dismiss_report(report: CommentReport, *, moderator: Any) -> CommentReport:
    if report.status != "open":
        raise CommentError(_("This report has already been dealt with."))
    report.status = "dismissed"
    report.resolved_by_id = moderator.id
    report.resolved_at = utcnow()
    audit.record(moderator, "report.dismiss", report, summary=f"comment {report.comment_id}")
    notify_outcome([report], _l("the comment stays visible"), moderator)
    db.session.flush()
    return report


def uphold_report(report: CommentReport, *, moderator: Any, reason: str) -> CommentReport:
    """Uphold = hide the comment with a reason; every open report on it is resolved."""
    if report.status != "open":
        raise CommentError(_("This report has already been dealt with."))
    comment = report.comment
    audit.record(moderator, "report.uphold", report, summary=f"comment {comment.id}: {reason}")
    if comment.state == STATE_VISIBLE:
        hide_comment(comment, moderator=moderator, reason=reason)
    else:
        _resolve_open_reports(comment, moderator, "upheld")
    db.session.flush()
    return report
