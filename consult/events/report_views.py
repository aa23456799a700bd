"""Reports on questions to the chairs: the moderators' queue, hide with a reason, or keep.

The staff desk (moderation) counts open reports through the "desk" hook, so moderation never
imports this package.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.core import hooks, permissions
from consult.core.permissions import require
from consult.events import queries, services
from consult.events.forms import DismissQuestionReportForm, UpholdQuestionReportForm
from consult.events.models import REPORT_OPEN, Event, QuestionReport
from consult.events.views import bp
from consult.extensions import db
from consult.groups.models import WorkingGroup


def _report(question_report_id: int) -> tuple[QuestionReport, Event]:
    report = db.get_or_404(QuestionReport, question_report_id)
    event = db.get_or_404(Event, report.question.event_id)
    require(permissions.can_moderate_questions(current_user, event))
    return report, event


def _queue(group: WorkingGroup) -> Response:
    return redirect(url_for("events.question_reports", slug=group.slug))


@bp.get("/groups/<slug>/question-reports")
@login_required
def question_reports(slug: str) -> str:
    group = db.first_or_404(db.select(WorkingGroup).where(WorkingGroup.slug == slug))
    require(permissions.can_moderate_questions(current_user, group))
    return render_template(
        "events/question_reports.html",
        group=group,
        reports=queries.open_question_reports(group),
        dismiss_form=DismissQuestionReportForm(formdata=None),
    )


@bp.route("/question-reports/<int:question_report_id>/uphold", methods=["GET", "POST"])
@login_required
def uphold_question_report(question_report_id: int) -> str | Response:
    report, event = _report(question_report_id)
    form = UpholdQuestionReportForm()
    if report.status == REPORT_OPEN and form.validate_on_submit():
        services.uphold_question_report(report, current_user, form.reason.data.strip())
        db.session.commit()
        flash(_("The question is hidden and its reports are closed."), "success")
        return _queue(event.group)
    return render_template(
        "events/uphold_question_report.html", report=report, event=event, form=form
    )


@bp.post("/question-reports/<int:question_report_id>/dismiss")
@login_required
def dismiss_question_report(question_report_id: int) -> Response:
    report, event = _report(question_report_id)
    if report.status == REPORT_OPEN and DismissQuestionReportForm().validate_on_submit():
        services.dismiss_question_report(report, current_user)
        db.session.commit()
        flash(_("The question stays visible; its reports are closed."), "success")
    return _queue(event.group)


def desk_items(user: Any, groups: list[Any]) -> dict[str, Any]:
    """Hook "desk": open reports on questions per group the person moderates (one query)."""
    counts = queries.open_question_report_counts([g.id for g in groups])
    return {
        "desk_items": [
            (g.id, "events/_desk_question_reports.html", {"group": g, "count": counts.get(g.id, 0)})
            for g in groups
        ]
    }


def _register(state: Any) -> None:
    hooks.register(state.app, "desk", desk_items)


bp.record_once(_register)
