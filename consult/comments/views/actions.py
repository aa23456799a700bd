"""Author and reader actions on one comment: edit, delete, endorse, report."""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.comments import queries, services
from consult.comments.forms import (
    ConfirmForm,
    EditCommentForm,
    EditReplyForm,
    EndorseForm,
    ReportForm,
)
from consult.comments.views import bp
from consult.comments.views.common import comment_action, comment_url
from consult.core.forms import show_refusal
from consult.core.permissions import can_comment, can_edit_comment, can_report, require
from consult.extensions import db

logger = logging.getLogger(__name__)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id: int) -> str | Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_edit_comment(current_user, comment))
    top_level = comment.parent_id is None
    form: EditCommentForm | EditReplyForm
    if top_level:
        form = EditCommentForm(obj=comment, section=comment.section)
        del form.confidential  # confidentiality is chosen once, when the comment is sent
        if request.method == "GET":
            form.proposal_scope.data = comment.proposal_scope or "provision"
    else:
        form = EditReplyForm(obj=comment)
    if form.validate_on_submit():
        try:
            if isinstance(form, EditCommentForm):
                services.edit_comment(
                    comment,
                    user=current_user,
                    body=form.body.data or "",
                    kind=form.kind.data,
                    quote=form.quote.data or "",
                    proposed_text=form.proposed_text.data or "",
                    proposal_scope=form.proposal_scope.data,
                    language=form.language.data,
                    quote_language=form.quote_language.data or None,
                )
            else:
                services.edit_comment(
                    comment,
                    user=current_user,
                    body=form.body.data or "",
                    language=form.language.data,
                )
        except services.CommentError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Your changes are saved. The earlier text is kept in the history."), "success")
            return redirect(comment_url(comment))
    return render_template(
        "comments/edit.html",
        comment=comment,
        form=form,
        section=comment.section,
        version=comment.section.version,
        top_level=top_level,
        max_length=current_app.config["COMMENT_MAX_LENGTH"],
    )


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
def delete_comment(comment_id: int) -> str | Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_edit_comment(current_user, comment))
    return comment_action(
        comment,
        ConfirmForm(),
        lambda: services.delete_comment(comment, user=current_user),
        done=_("Your comment is deleted. Replies to it stay in place."),
        page="comments/delete.html",
    )


@bp.post("/comments/<int:comment_id>/endorse")
def endorse(comment_id: int) -> Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_comment(current_user, comment.section.version))
    form = EndorseForm()
    if not form.validate_on_submit():
        flash(_("Choose support or oppose."), "error")
        return redirect(comment_url(comment))
    try:
        endorsement = services.set_endorsement(
            comment, user=current_user, stance=form.stance.data or ""
        )
    except services.CommentError as error:
        flash(str(error), "error")
        return redirect(comment_url(comment))
    db.session.commit()
    if endorsement is None:
        flash(_("Your endorsement is withdrawn."), "success")
    else:
        flash(
            _("You support this comment.")
            if endorsement.stance == "support"
            else _("You oppose this comment."),
            "success",
        )
    return redirect(comment_url(comment))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
def report_comment(comment_id: int) -> str | Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_report(current_user))
    form = ReportForm()
    return comment_action(
        comment,
        form,
        lambda: services.report_comment(
            comment, user=current_user, reason=form.reason.data or "", note=form.note.data or ""
        ),
        done=_("Thank you. The moderators will look at this comment."),
        page="comments/report.html",
    )
