"""Closing the loop on reports: moderators told of a new report, reporters told the outcome."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.accounts.models import User
from consult.comments.models import Comment, CommentReport
from consult.core import outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.permissions import MODERATING_ROLES
from consult.extensions import db
from consult.groups.models import Membership


def moderators_of_comment(comment: Comment) -> list[User]:
    group_id = comment.section.version.document.group_id
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == group_id,
                Membership.status == "approved",
                Membership.role.in_(MODERATING_ROLES),
                User.is_disabled.is_(False),
            )
            .order_by(User.id)
        ).unique()
    )


def notify_new_report(report: CommentReport) -> int:
    """Each moderator of the comment's group, immediately or in their digest (their choice)."""
    comment = report.comment
    told = 0
    for moderator in moderators_of_comment(comment):
        if moderator.id == report.reporter_id:
            continue
        outbox.notify(
            moderator,
            _l("A comment was reported: #%(id)s", id=comment.id),
            "report_new",
            report=report,
            comment=comment,
            section=comment.section,
        )
        told += 1
    return told


def notify_outcome(reports: list[CommentReport], outcome: Any, moderator: Any) -> None:
    """Each reporter learns what became of their report (`outcome` lazy: their language)."""
    for report in reports:
        reporter = db.session.get(User, report.reporter_id)
        if reporter is None or not reporter.is_active:
            continue
        outbox.notify(
            reporter,
            _l(
                "Your report on comment #%(id)s: %(outcome)s",
                id=report.comment_id,
                outcome=outcome,
            ),
            "report_outcome",
            report=report,
            outcome=outcome,
            comment=report.comment,
        )
