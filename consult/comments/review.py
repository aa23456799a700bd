"""Review of a hidden comment: its author asks once, another moderator than the one who hid it
decides; both steps audited and told by e-mail."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from consult.comments.models import STATE_HIDDEN, Comment
from consult.comments.moderating import unhide_comment
from consult.comments.report_notices import moderators_of_comment
from consult.comments.review_models import (
    REVIEW_OPEN,
    REVIEW_RESTORED,
    REVIEW_TEXT_MAX,
    REVIEW_UPHELD,
    ReviewRequest,
)
from consult.comments.services import CommentError
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.db import utcnow
from consult.extensions import db

DECISIONS = {REVIEW_RESTORED: _l("Show the comment again"), REVIEW_UPHELD: _l("Keep it hidden")}


class ReviewRequestForm(FlaskForm):
    reason = TextAreaField(
        _l("Why should this decision be reviewed?"),
        validators=[DataRequired(_l("Give a reason.")), Length(max=REVIEW_TEXT_MAX)],
    )
    submit = SubmitField(_l("Ask for a review"))


class ReviewDecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[SelectChoice(k, v) for k, v in DECISIONS.items()],
        validators=[InputRequired()],
    )
    note = TextAreaField(
        _l("Note to the author"),
        validators=[DataRequired(_l("Explain the decision.")), Length(max=REVIEW_TEXT_MAX)],
    )
    submit = SubmitField(_l("Decide"))


def review_of(comment: Comment) -> ReviewRequest | None:
    return db.session.scalars(
        select(ReviewRequest).where(ReviewRequest.comment_id == comment.id)
    ).first()


def request_review(comment: Comment, *, user: Any, reason: str) -> ReviewRequest:
    """The author of a hidden comment asks, once, for another moderator to look again."""
    if comment.author_id != user.id:
        raise CommentError(_("Only the author of a comment can ask for a review."))
    if comment.state != STATE_HIDDEN:
        raise CommentError(_("Only a hidden comment can be reviewed."))
    if review_of(comment) is not None:
        raise CommentError(_("You have already asked for a review of this comment."))
    reason = (reason or "").strip()
    if not reason:
        raise CommentError(_("Give a reason."))
    review = ReviewRequest(
        comment_id=comment.id, author_id=user.id, hidden_by_id=comment.hidden_by_id, reason=reason
    )
    db.session.add(review)
    db.session.flush()
    audit.record(user, "review.request", review, f"comment {comment.id}")
    for moderator in moderators_of_comment(comment):
        if moderator.id == comment.hidden_by_id:
            continue
        outbox.notify(
            moderator,
            _l("Review asked for hidden comment #%(id)s", id=comment.id),
            "review_request",
            review=review,
            comment=comment,
        )
    return review


def decide_review(review: ReviewRequest, *, moderator: Any, decision: str, note: str) -> None:
    """Restore the comment or keep it hidden; never by the moderator who hid it."""
    if review.status != REVIEW_OPEN:
        raise CommentError(_("This review has already been decided."))
    if review.hidden_by_id is not None and review.hidden_by_id == moderator.id:
        raise CommentError(_("Another moderator than the one who hid the comment must decide."))
    if decision not in DECISIONS:
        raise CommentError(_("Choose a decision."))
    comment = review.comment
    if decision == REVIEW_RESTORED and comment.state == STATE_HIDDEN:
        unhide_comment(comment, moderator=moderator)
    review.status = decision
    review.decision_note = (note or "").strip()
    review.decided_by_id = moderator.id
    review.decided_at = utcnow()
    audit.record(
        moderator,
        "review.decide",
        review,
        f"comment {comment.id}: {decision}",
        after={"status": decision, "note": review.decision_note},
    )
    if decision == REVIEW_UPHELD and comment.author.is_active:
        outbox.notify(
            comment.author,
            _l("Review of your comment #%(id)s: it stays hidden", id=comment.id),
            "review_decision",
            review=review,
            comment=comment,
        )
    db.session.flush()
