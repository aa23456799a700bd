"""AI Pact pledges, the report schedule, implementation reports and aggregate progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.adoption import pledges
from consult.adoption.errors import AdoptionError
from consult.adoption.forms import ActionForm, CommitmentForm, RoundForm
from consult.adoption.models import PROGRESS, ImplementationReport, ReportRound
from consult.adoption.views import bp
from consult.core.permissions import can_pledge, can_verify_signature, require
from consult.extensions import db

TEXT_MAX = 2000


def _texts(prefix: str) -> dict[int, str]:
    """Per-commitment fields named <prefix>-<commitment id>, bounded."""
    values: dict[int, str] = {}
    for commitment in pledges.commitments():
        value = (request.form.get(f"{prefix}-{commitment.id}") or "").strip()
        if value:
            values[commitment.id] = value[:TEXT_MAX]
    return values


@bp.get("/pact/pledges")
def list_pledges() -> str:
    return render_template(
        "adoption/pledges.html",
        pledges=pledges.all_pledges(),
        commitments=pledges.commitments(),
        counts=pledges.pledge_counts(),
        progress=pledges.progress(),
        statuses=PROGRESS,
        reports=pledges.submitted_reports(),
        overdue=pledges.overdue(),
    )


@bp.route("/pact/pledge", methods=["GET", "POST"])
@login_required
def publish_pledge() -> str | Response:
    organisation = current_user.organisation
    require(can_pledge(current_user, organisation))
    form = ActionForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            pledges.publish_pledge(organisation, current_user, _texts("text"))
        except AdoptionError as error:
            errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your pledge is published."), "success")
            return redirect(url_for("adoption.list_pledges"))
    return render_template(
        "adoption/pledge_form.html",
        form=form,
        errors=errors,
        organisation=organisation,
        existing=pledges.pledge_of(organisation),
        commitments=pledges.commitments(),
        values=request.form,
    )


@bp.route("/pact/rounds/<int:round_id>/report", methods=["GET", "POST"])
@login_required
def submit_report(round_id: int) -> str | Response:
    round_ = db.get_or_404(ReportRound, round_id)
    organisation = current_user.organisation
    require(can_pledge(current_user, organisation))
    pledge = pledges.pledge_of(organisation)
    if pledge is None:
        abort(404)
    form = ActionForm()
    errors: list[str] = []
    if form.validate_on_submit():
        statuses = {
            item.commitment_id: (
                (request.form.get(f"status-{item.commitment_id}") or "")[:12],
                (request.form.get(f"text-{item.commitment_id}") or "").strip()[:TEXT_MAX],
            )
            for item in pledge.items
        }
        try:
            report = pledges.submit_report(round_, pledge, current_user, statuses)
        except AdoptionError as error:
            errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your report is submitted and public."), "success")
            return redirect(url_for("adoption.show_report", report_id=report.id))
    return render_template(
        "adoption/report_form.html",
        form=form,
        errors=errors,
        round=round_,
        pledge=pledge,
        existing=pledges.report_of(round_, pledge),
        statuses=PROGRESS,
        values=request.form,
    )


@bp.get("/pact/reports/<int:report_id>")
def show_report(report_id: int) -> str:
    report = db.get_or_404(ImplementationReport, report_id)
    return render_template("adoption/report.html", report=report, statuses=PROGRESS)


@bp.post("/admin/adoption/commitments")
@login_required
def add_commitment() -> Response:
    require(can_verify_signature(current_user))
    form = CommitmentForm()
    if form.validate_on_submit():
        try:
            pledges.add_commitment(form.key.data, form.title.data, current_user)
        except AdoptionError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Commitment added."), "success")
    else:
        flash(_("Enter a key (lower-case letters, digits, underscores) and a title."), "error")
    return redirect(url_for("adoption.review"))


@bp.post("/admin/adoption/rounds")
@login_required
def create_round() -> Response:
    require(can_verify_signature(current_user))
    form = RoundForm()
    if form.validate_on_submit():
        pledges.create_round(form.title.data, form.due_on.data, current_user)
        db.session.commit()
        flash(_("Reporting schedule set."), "success")
    else:
        flash(_("Enter a title and a due date."), "error")
    return redirect(url_for("adoption.review"))
