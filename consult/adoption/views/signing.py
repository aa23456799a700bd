"""Signing a code: representatives sign and withdraw, administrators verify; the signed PDF."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.adoption import pdfs, services, signatory_reports
from consult.adoption.errors import AdoptionError
from consult.adoption.forms import ActionForm, SignForm, WithdrawForm
from consult.adoption.models import (
    ADOPTION_ADOPTED,
    ADOPTION_PROPOSED,
    SIGNATURE_PENDING,
    Adoption,
    Code,
    Signature,
)
from consult.adoption.views import bp
from consult.core.permissions import can_sign, can_verify_signature, can_view_signature, require
from consult.db import utcnow
from consult.extensions import db


def _code(slug: str) -> Code:
    return db.first_or_404(select(Code).where(Code.slug == slug))


@bp.route("/code/<slug>/sign", methods=["GET", "POST"])
@login_required
def sign_code(slug: str) -> str | Response:
    code = _code(slug)
    organisation = current_user.organisation
    require(can_sign(current_user, organisation))
    adopted = services.code_adoptions(code)
    signed = services.signed_chapter_ids(organisation, code)
    form = SignForm()
    form.chapters.choices = [
        (c.document_id, c.document.title)
        for c in code.chapters
        if c.document_id in adopted and c.document_id not in signed
    ]
    if form.validate_on_submit():
        upload = form.pdf.data
        data = upload.read(int(pdfs.DEFAULT_MAX_BYTES * 4)) if upload and upload.filename else None
        try:
            signature = services.sign_code(
                code, organisation, current_user, form.chapters.data or [],
                form.signatory_name.data, form.signatory_function.data, form.authority.data,
                data,
            )  # fmt: skip
        except AdoptionError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Signed. An administrator will verify the signature before it is public."),
                  "success")  # fmt: skip
            return redirect(url_for("adoption.show_signature", signature_id=signature.id))
    return render_template(
        "adoption/sign.html", form=form, code=code, organisation=organisation, signed=signed
    )


@bp.get("/signatures/<int:signature_id>")
def show_signature(signature_id: int) -> str:
    signature = db.get_or_404(Signature, signature_id)
    if not can_view_signature(current_user, signature):
        abort(404)
    return _signature_page(signature, WithdrawForm(formdata=None))


def _signature_page(signature: Signature, withdraw_form: WithdrawForm) -> str:
    titles = {c.document_id: c.document.title for c in signature.code.chapters}
    return render_template(
        "adoption/signature.html",
        signature=signature,
        chapters=[titles.get(c.document_id, "") for c in signature.chapters],
        action_form=ActionForm(formdata=None),
        withdraw_form=withdraw_form,
        titles=titles,
        reports=signatory_reports.reports_of(signature),
        dues=(
            signatory_reports.outstanding(signature.code, [signature])
            if signature.is_public and signature.withdrawn_at is None
            else []
        ),
        today=utcnow().date(),
    )


@bp.get("/signatures/<int:signature_id>/signed-form.pdf")
def download_pdf(signature_id: int) -> Response:
    signature = db.get_or_404(Signature, signature_id)
    if not can_view_signature(current_user, signature) or not signature.pdf_path:
        abort(404)
    path = pdfs.pdf_file(signature.pdf_path)
    if not path.exists():
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"signature-{signature.id}.pdf",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/signatures/<int:signature_id>/<any(verify,reject):decision>")
@login_required
def decide_signature(signature_id: int, decision: str) -> Response:
    signature = db.get_or_404(Signature, signature_id)
    require(can_verify_signature(current_user))
    if ActionForm().validate_on_submit():
        action = services.verify_signature if decision == "verify" else services.reject_signature
        try:
            action(signature, current_user)
        except AdoptionError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _("Signature verified.") if decision == "verify" else _("Signature rejected."),
                "success",
            )
    return redirect(url_for("adoption.show_signature", signature_id=signature.id))


@bp.post("/signatures/<int:signature_id>/withdraw")
@login_required
def withdraw_signature(signature_id: int) -> str | Response:
    signature = db.get_or_404(Signature, signature_id)
    require(can_sign(current_user, signature.organisation))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_signature(signature, current_user, form.reason.data)
        except AdoptionError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The signature is withdrawn; the register shows it as such."), "success")
        return redirect(url_for("adoption.show_signature", signature_id=signature.id))
    return _signature_page(signature, form)


@bp.get("/admin/adoption")
@login_required
def review() -> str:
    require(can_verify_signature(current_user))
    from consult.adoption import pledges
    from consult.adoption.forms import CommitmentForm, RoundForm

    return render_template(
        "adoption/review.html",
        adoptions=db.session.scalars(
            select(Adoption).where(Adoption.status == ADOPTION_PROPOSED)
        ).all(),
        signatures=db.session.scalars(
            select(Signature).where(Signature.status == SIGNATURE_PENDING)
        ).all(),
        codes=db.session.scalars(select(Code).order_by(Code.title)).all(),
        unadoptions=db.session.scalars(
            select(Adoption).where(
                Adoption.status == ADOPTION_ADOPTED, Adoption.withdrawal_proposed_at.is_not(None)
            )
        ).all(),
        commitments=pledges.commitments(include_retired=True),
        rounds=pledges.rounds(),
        action_form=ActionForm(formdata=None),
        commitment_form=CommitmentForm(formdata=None),
        round_form=RoundForm(formdata=None),
    )
