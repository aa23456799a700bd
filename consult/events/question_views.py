"""Questions to the chairs: ask, support, answer, merge duplicates, report and hide."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.core import permissions
from consult.core.forms import show_refusal
from consult.core.permissions import require
from consult.events import services
from consult.events.forms import AnswerForm, MergeForm, ReasonForm, SupportForm
from consult.events.models import Question
from consult.events.views import _event, _status, bp, event_page, question_form_for
from consult.extensions import db


def _question(question_id: int) -> Question:
    question = db.get_or_404(Question, question_id)
    _event(question.event_id)
    return question


def _back(question: Question) -> Response:
    url = url_for("events.show_event", event_id=question.event_id)
    return redirect(f"{url}#question-{question.id}")


@bp.post("/<int:event_id>/questions")
@login_required
def ask_question(event_id: int) -> Response | tuple[str, int]:
    event = _event(event_id)
    require(permissions.can_ask_question(current_user, event, _status(event)))
    form = question_form_for(event)
    if form.validate_on_submit():
        try:
            question = services.ask_question(
                event, current_user, form.body.data.strip(), form.agenda_item_id.data or None
            )
        except services.EventError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Your question is sent to the chairs."), "success")
            return _back(question)
    # Refused: the page again with the question as typed and the reason next to it.
    return event_page(event, question_form=form), 400


@bp.post("/questions/<int:question_id>/support")
@login_required
def support_question(question_id: int) -> Response:
    question = _question(question_id)
    event = _event(question.event_id)
    require(permissions.can_support_question(current_user, question, event))
    if SupportForm().validate_on_submit():
        if services.support_question(question, current_user):
            db.session.commit()
            flash(_("You support this question."), "success")
        else:
            flash(_("You already support this question."), "error")
    return _back(question)


@bp.route("/questions/<int:question_id>/manage", methods=["GET", "POST"])
@login_required
def manage_question(question_id: int) -> str | Response:
    """The chairs' page for one question: answer it, merge it, hide it."""
    question = _question(question_id)
    event = _event(question.event_id)
    require(permissions.can_manage_event(current_user, event))
    answer_form = AnswerForm(obj=question, prefix="answer")
    merge_form = MergeForm(prefix="merge")
    hide_form = ReasonForm(prefix="hide")
    if not answer_form.is_submitted():
        answer_form.in_meeting.data = question.status == "in_meeting"
    if answer_form.submit.data and answer_form.validate_on_submit():
        try:
            services.answer_question(
                question, current_user, answer_form.answer.data or "", answer_form.in_meeting.data
            )
        except services.EventError as error:
            show_refusal(answer_form, error)
        else:
            db.session.commit()
            flash(_("Answer saved."), "success")
            return _back(question)
    elif merge_form.submit.data and merge_form.validate_on_submit():
        into = db.session.get(Question, merge_form.into.data)
        try:
            if into is None:
                raise services.EventError(_("There is no question with that number."))
            services.merge_question(question, into, current_user)
        except services.EventError as error:
            show_refusal(merge_form, error)
        else:
            db.session.commit()
            flash(_("Merged into question %(number)s.", number=into.id), "success")
            return _back(into)
    elif hide_form.submit.data and hide_form.validate_on_submit():
        services.hide_question(question, current_user, hide_form.reason.data.strip())
        db.session.commit()
        flash(_("Question hidden."), "success")
        return _back(question)
    return render_template(
        "events/question.html",
        question=question,
        event=event,
        answer_form=answer_form,
        merge_form=merge_form,
        hide_form=hide_form,
    )


@bp.route("/questions/<int:question_id>/report", methods=["GET", "POST"])
@login_required
def report_question(question_id: int) -> str | Response:
    question = _question(question_id)
    require(permissions.can_report_question(current_user, question))
    form = ReasonForm()
    if form.validate_on_submit():
        services.report_question(question, current_user, form.reason.data.strip())
        db.session.commit()
        flash(_("Thank you: the chairs will look at this question."), "success")
        return _back(question)
    return render_template("events/report.html", question=question, form=form)
