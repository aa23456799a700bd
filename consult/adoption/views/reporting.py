"""Signatories' implementation reports per signed chapter, and the schedule administrators set."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.adoption import services, signatory_reports
from consult.adoption.errors import AdoptionError
from consult.adoption.forms import ScheduleForm, build_report_form, report_entries
from consult.adoption.models import PROGRESS, Code, SignatoryReport, Signature
from consult.adoption.views import bp
from consult.core.forms import show_refusal
from consult.core.permissions import can_report_signatory, can_verify_signature, require
from consult.extensions import db


@bp.route("/signatures/<int:signature_id>/report/<int:document_id>", methods=["GET", "POST"])
@login_required
def submit_signatory_report(signature_id: int, document_id: int) -> str | Response:
    signature = db.get_or_404(Signature, signature_id)
    require(can_report_signatory(current_user, signature))
    due = signatory_reports.due_of(signature, document_id)
    if due is None:
        abort(404)
    adoption = services.adopted_versions([document_id])[document_id]
    sections = signatory_reports.commitments_of([adoption.version_id])[adoption.version_id]
    form = build_report_form((s.provision_id, s.title) for s in sections)
    if form.validate_on_submit():
        try:
            report = signatory_reports.submit_report(
                signature, document_id, current_user, report_entries(form)
            )
        except AdoptionError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Your report is submitted and public."), "success")
            return redirect(url_for("adoption.show_signatory_report", report_id=report.id))
    return render_template(
        "adoption/signatory_report_form.html",
        form=form,
        signature=signature,
        due=due,
        version=adoption.version,
        sections={s.provision_id: s for s in sections},
    )


@bp.get("/signatory-reports/<int:report_id>")
def show_signatory_report(report_id: int) -> str:
    report = db.get_or_404(SignatoryReport, report_id)
    if not report.signature.is_public:
        abort(404)
    return render_template(
        "adoption/signatory_report.html",
        report=report,
        sections=signatory_reports.report_sections(report),
        statuses=PROGRESS,
    )


@bp.route("/code/<slug>/schedule", methods=["GET", "POST"])
@login_required
def set_report_schedule(slug: str) -> str | Response:
    code = db.first_or_404(select(Code).where(Code.slug == slug[:80]))
    require(can_verify_signature(current_user))
    form = ScheduleForm(data={"report_months": code.report_months})
    if form.validate_on_submit():
        services.set_report_schedule(code, form.report_months.data, current_user)
        db.session.commit()
        flash(_("The reporting schedule is set."), "success")
        return redirect(url_for("adoption.show_register", slug=code.slug))
    return render_template("adoption/schedule.html", form=form, code=code)
