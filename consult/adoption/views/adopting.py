"""Adopting chapters and defining codes: chairs put forward, administrators confirm."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.adoption import services
from consult.adoption.errors import AdoptionError
from consult.adoption.forms import ActionForm, AdoptForm, CodeForm, UnadoptForm
from consult.adoption.models import Adoption, Code
from consult.adoption.views import bp
from consult.core.permissions import (
    can_adopt,
    can_confirm_adoption,
    can_view,
    can_withdraw_adoption,
    require,
    require_visible,
)
from consult.drafts.models import Document, Version
from consult.extensions import db


def _version(slug: str, number: int) -> Version:
    version = db.first_or_404(
        select(Version).join(Document).where(Document.slug == slug, Version.number == number)
    )
    require_visible(can_view(current_user, version))
    return version


def _to_version(version: Version) -> Response:
    return redirect(
        url_for("drafts.show_version", slug=version.document.slug, number=version.number)
    )


@bp.route("/docs/<slug>/v<int:number>/adopt", methods=["GET", "POST"])
@login_required
def propose_adoption(slug: str, number: int) -> str | Response:
    version = _version(slug, number)
    require(can_adopt(current_user, version))
    form = AdoptForm()
    waits = services.consultation_blocks_adoption(version)
    if waits and request.method == "GET":  # said before anything is typed; a post from an
        # older page is refused by the service, its text kept in the form
        return render_template("adoption/adopt.html", form=form, version=version, waits=waits)
    if form.validate_on_submit():
        try:
            services.propose_adoption(
                version, current_user, form.adopted_on.data, form.note.data or "",
                form.link.data or "",
            )  # fmt: skip
        except AdoptionError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Put forward for adoption: an administrator will confirm it."), "success")
            return _to_version(version)
    return render_template("adoption/adopt.html", form=form, version=version)


@bp.post("/adoptions/<int:adoption_id>/confirm")
@login_required
def confirm_adoption(adoption_id: int) -> Response:
    adoption = db.get_or_404(Adoption, adoption_id)
    require(can_confirm_adoption(current_user))
    if ActionForm().validate_on_submit():
        try:
            services.confirm_adoption(adoption, current_user)
        except AdoptionError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The adoption is confirmed."), "success")
    return _to_version(adoption.version)


@bp.route("/adoptions/<int:adoption_id>/withdraw", methods=["GET", "POST"])
@login_required
def propose_unadoption(adoption_id: int) -> str | Response:
    """A chair asks to withdraw an adoption made in error, with the reason."""
    adoption = db.get_or_404(Adoption, adoption_id)
    require_visible(can_view(current_user, adoption.version))
    require(can_withdraw_adoption(current_user, adoption))
    form = UnadoptForm()
    if form.validate_on_submit():
        try:
            services.propose_unadoption(adoption, current_user, form.reason.data)
        except AdoptionError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Withdrawal asked for: an administrator will confirm it."), "success")
            return _to_version(adoption.version)
    return render_template("adoption/unadopt.html", form=form, adoption=adoption)


@bp.post("/adoptions/<int:adoption_id>/withdraw/confirm")
@login_required
def confirm_unadoption(adoption_id: int) -> Response:
    adoption = db.get_or_404(Adoption, adoption_id)
    require(can_confirm_adoption(current_user))
    if ActionForm().validate_on_submit():
        try:
            services.confirm_unadoption(adoption, current_user)
        except AdoptionError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The adoption is withdrawn."), "success")
    return _to_version(adoption.version)


@bp.route("/code/new", methods=["GET", "POST"])
@login_required
def create_code() -> str | Response:
    require(can_confirm_adoption(current_user))
    form = CodeForm()
    documents = list(db.session.scalars(select(Document).order_by(Document.title)))
    form.chapters.choices = [(d.id, d.title) for d in documents]
    if form.validate_on_submit():
        chosen = [d for d in documents if d.id in (form.chapters.data or [])]
        try:
            code = services.create_code(
                form.slug.data, form.title.data, form.summary.data or "", chosen, current_user
            )
        except AdoptionError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The code is created."), "success")
            return redirect(url_for("adoption.show_code", slug=code.slug))
    return render_template("adoption/code_new.html", form=form)


@bp.get("/code/<slug>/")
def show_code(slug: str) -> str:
    code = db.first_or_404(select(Code).where(Code.slug == slug))
    organisation = getattr(current_user, "organisation", None)
    return render_template(
        "adoption/code.html",
        code=code,
        adoptions=services.code_adoptions(code),
        adopted=services.code_is_adopted(code),
        consulting=services.open_consultations(code),
        organisation=organisation,
    )
