"""An author asks for a review of their hidden comment; another moderator decides."""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.comments import queries, review
from consult.comments.views import bp
from consult.comments.views.common import comment_action
from consult.core.permissions import can_moderate, require


@bp.route("/comments/<int:comment_id>/review", methods=["GET", "POST"])
def request_review(comment_id: int) -> str | Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(
        bool(getattr(current_user, "is_authenticated", False))
        and comment.author_id == current_user.id
    )
    form = review.ReviewRequestForm()
    return comment_action(
        comment,
        form,
        lambda: review.request_review(comment, user=current_user, reason=form.reason.data or ""),
        done=_("Your request was sent: a moderator who did not hide the comment will decide."),
        page="comments/review.html",
        action=url_for("comments.request_review", comment_id=comment.id),
        title=_("Ask for a review of the hiding"),
        existing=review.review_of(comment),
    )


@bp.route("/comments/<int:comment_id>/review/decide", methods=["GET", "POST"])
def decide_review(comment_id: int) -> str | Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_moderate(current_user, comment))
    existing = review.review_of(comment)
    if existing is None:
        abort(404)
    form = review.ReviewDecisionForm()
    return comment_action(
        comment,
        form,
        lambda: review.decide_review(
            existing,
            moderator=current_user,
            decision=form.decision.data or "",
            note=form.note.data or "",
        ),
        done=_("The review is decided and the author told."),
        page="comments/review.html",
        action=url_for("comments.decide_review", comment_id=comment.id),
        title=_("Decide a review of a hidden comment"),
        existing=existing,
    )
