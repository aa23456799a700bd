"""Moderators' actions on comments: hide, unhide, and the queue of reports."""

from __future__ import annotations

import logging

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.comments import moderating, queries
from consult.comments.forms import ConfirmForm, HideForm
from consult.comments.models import REPORT_REASON_WORDS, REPORT_REASONS, CommentReport
from consult.comments.views import bp
from consult.comments.views.common import button_action, comment_action, comment_url
from consult.core.permissions import can_moderate, can_view, require
from consult.extensions import db

logger = logging.getLogger(__name__)


@bp.route("/comments/<int:comment_id>/hide", methods=["GET", "POST"])
def hide_comment(comment_id: int) -> str | Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_moderate(current_user, comment))
    form = HideForm()
    return comment_action(
        comment,
        form,
        lambda: moderating.hide_comment(
            comment, moderator=current_user, reason=form.reason.data or ""
        ),
        done=_("The comment is hidden and its author has been told why."),
        page="comments/hide.html",
        action=url_for("comments.hide_comment", comment_id=comment.id),
        title=_("Hide a comment"),
    )


@bp.post("/comments/<int:comment_id>/unhide")
def unhide_comment(comment_id: int) -> Response:
    comment = queries.comment_or_404(comment_id, current_user)
    require(can_moderate(current_user, comment))
    return button_action(
        ConfirmForm(),
        lambda: moderating.unhide_comment(comment, moderator=current_user),
        done=_("The comment is visible again."),
        back=comment_url(comment),
    )


@bp.get("/docs/<slug>/v<int:number>/reports")
def reports(slug: str, number: int) -> str:
    version = queries.version_or_404(slug, number, current_user)
    require(can_moderate(current_user, version))
    status = "resolved" if request.args.get("status") == "resolved" else "open"
    return render_template(
        "comments/reports.html",
        document=version.document,
        version=version,
        page=queries.reports_page(version, status),
        status=status,
        open_count=queries.open_report_count(version),
        reasons=REPORT_REASONS,
        form=ConfirmForm(),
    )


def _report(report_id: int) -> CommentReport:
    report = db.get_or_404(CommentReport, report_id)
    if not can_view(current_user, report.comment.section.version):
        abort(404)
    require(can_moderate(current_user, report.comment))
    return report


def _queue_url(report: CommentReport) -> str:
    version = report.comment.section.version
    return url_for("comments.reports", slug=version.document.slug, number=version.number)


@bp.post("/reports/<int:report_id>/dismiss")
def dismiss_report(report_id: int) -> Response:
    report = _report(report_id)
    return button_action(
        ConfirmForm(),
        lambda: moderating.dismiss_report(report, moderator=current_user),
        done=_("The report is dismissed; the comment stays visible."),
        back=_queue_url(report),
    )


@bp.route("/reports/<int:report_id>/uphold", methods=["GET", "POST"])
def uphold_report(report_id: int) -> str | Response:
    report = _report(report_id)
    form = HideForm()
    if request.method == "GET" and not form.reason.data:
        form.reason.data = _(
            "Reported as %(reason)s.",
            reason=REPORT_REASON_WORDS.get(report.reason, report.reason),
        )
    return comment_action(
        report.comment,
        form,
        lambda: moderating.uphold_report(
            report, moderator=current_user, reason=form.reason.data or ""
        ),
        done=_("The report is upheld and the comment hidden."),
        page="comments/hide.html",
        back=_queue_url(report),
        action=url_for("comments.uphold_report", report_id=report.id),
        title=_("Uphold a report"),
        report=report,
    )
