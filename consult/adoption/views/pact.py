"""AI Pact pledges, the report schedule, implementation reports and aggregate progress."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.adoption import pledges
from consult.adoption.errors import AdoptionError
from consult.adoption.forms import (
    ActionForm,
    CommitmentForm,
    RoundForm,
    build_pledge_form,
    build_report_form,
    pledge_texts,
    report_entries,
)
from consult.adoption.models import (
    PROGRESS,
    ImplementationReport,
    PactCommitment,
    Pledge,
    ReportRound,
)
from consult.adoption.views import bp
from consult.core.forms import show_refusal
from consult.core.pagination import paginate
from consult.core.permissions import can_pledge, can_verify_signature, require
from consult.core.spreadsheets import download
from consult.extensions import db

PER_PAGE = 50
RECENT_REPORTS = 50  # the rest are on each pledge's page


@bp.get("/pact/pledges")
def list_pledges() -> str:
    return render_template(
        "adoption/pledges.html",
        page=paginate(pledges.pledges_query(), per_page=PER_PAGE),
        commitments=pledges.commitments(),
        counts=pledges.pledge_counts(),
        progress=pledges.progress(),
        statuses=PROGRESS,
        reports=pledges.submitted_reports(limit=RECENT_REPORTS),
        overdue=pledges.overdue(),
    )


@bp.get("/pact/<any(pledges,reports):kind>.<any(csv,json):fmt>")
def export_pact(kind: str, fmt: str) -> Response:
    """Open data of the AI Pact: pledges (one record per current commitment) or implementation
    reports (one record per commitment reported on)."""

    def url(endpoint: str, **values: Any) -> str:
        return url_for(endpoint, _external=True, **values)

    if kind == "pledges":
        return download("pledges", pledges.pledge_records(url), pledges.PLEDGE_FIELDS, fmt,
                        "ai-pact-pledges")  # fmt: skip
    return download("reports", pledges.report_records(url), pledges.REPORT_FIELDS, fmt,
                    "ai-pact-reports")  # fmt: skip


@bp.get("/pact/pledges/<int:pledge_id>")
def show_pledge(pledge_id: int) -> str:
    pledge = db.get_or_404(Pledge, pledge_id)
    return render_template(
        "adoption/pledge.html",
        pledge=pledge,
        revisions=pledges.revisions(pledge),
        reports=pledges.submitted_reports(pledge=pledge),
    )


@bp.route("/pact/pledge", methods=["GET", "POST"])
@login_required
def publish_pledge() -> str | Response:
    """Publish the organisation's pledge, or edit it (its history is kept)."""
    organisation = current_user.organisation
    require(can_pledge(current_user, organisation))
    existing = pledges.pledge_of(organisation)
    offered = pledges.commitments()
    if existing is not None:
        # Commitments it holds stay on the form even once retired.
        held = [i.commitment for i in existing.items if i.commitment.retired_at is not None]
        offered = offered + held
    texts = {i.commitment_id: i.text for i in existing.items} if existing else {}
    form = build_pledge_form(offered, texts, editing=existing is not None)
    if form.validate_on_submit():
        try:
            if existing is None:
                pledge = pledges.publish_pledge(organisation, current_user, pledge_texts(form))
            else:
                pledge = existing
                pledges.edit_pledge(existing, current_user, pledge_texts(form))
        except AdoptionError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _("Your pledge is published.") if existing is None
                else _("Your pledge is updated; its earlier wording stays in its history."),
                "success",
            )  # fmt: skip
            return redirect(url_for("adoption.show_pledge", pledge_id=pledge.id))
    return render_template(
        "adoption/pledge_form.html", form=form, organisation=organisation, existing=existing
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
    form = build_report_form((i.commitment_id, i.commitment.title) for i in pledge.items)
    if form.validate_on_submit():
        try:
            report = pledges.submit_report(round_, pledge, current_user, report_entries(form))
        except AdoptionError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Your report is submitted and public."), "success")
            return redirect(url_for("adoption.show_report", report_id=report.id))
    return render_template(
        "adoption/report_form.html",
        form=form,
        round=round_,
        pledge=pledge,
        existing=pledges.report_of(round_, pledge),
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


@bp.post("/admin/adoption/commitments/<int:commitment_id>/retire")
@login_required
def retire_commitment(commitment_id: int) -> Response:
    commitment = db.get_or_404(PactCommitment, commitment_id)
    require(can_verify_signature(current_user))
    if ActionForm().validate_on_submit():
        try:
            pledges.retire_commitment(commitment, current_user)
        except AdoptionError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The commitment is retired: kept on existing pledges, no longer offered."),
                  "success")  # fmt: skip
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
