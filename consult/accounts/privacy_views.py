"""Routes for a person's data rights: download their data, leave, change e-mail address."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from consult.accounts import privacy
from consult.accounts.admin_views import admin_bp
from consult.accounts.models import User
from consult.accounts.privacy_forms import (
    AdminEraseForm,
    ChangeEmailForm,
    DeleteAccountForm,
    ExportForm,
)
from consult.accounts.services import AccountError, TokenError
from consult.accounts.views import _field_error, bp
from consult.core import hooks, userdata
from consult.core.permissions import can_administer, require
from consult.db import utcnow
from consult.extensions import db, limiter


def _register(state: Any) -> None:
    hooks.register(state.app, "user_data", privacy.user_data_files)
    hooks.register(state.app, "purge", privacy.purge_steps)


bp.record_once(_register)


def _render_account(
    email_form: ChangeEmailForm | None = None, delete_form: DeleteAccountForm | None = None
) -> str:
    return render_template(
        "accounts/your_data.html",
        user=current_user,
        export_form=ExportForm(formdata=None),
        email_form=email_form or ChangeEmailForm(prefix="change", formdata=None),
        delete_form=delete_form or DeleteAccountForm(prefix="delete", formdata=None),
    )


@bp.get("/me/account")
@login_required
def your_data() -> str:
    return _render_account()


@bp.post("/me/account/export")
@login_required
@limiter.limit("5 per hour")
def export_data() -> Response:
    if not ExportForm().validate_on_submit():
        flash(_("The form had expired. Try again."), "error")
        return redirect(url_for("accounts.your_data"))
    now = utcnow()
    # Written to a temporary file on disk, record by record; send_file streams and closes it.
    target = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - closed by the response
    userdata.write_export(current_user, target, site=current_app.config["SITE_NAME"], when=now)
    target.seek(0)
    return send_file(
        target,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"consult-data-{current_user.id}-{now:%Y-%m-%d}.zip",
    )


@bp.post("/me/account/email")
@login_required
@limiter.limit("5 per hour")
def change_email() -> str | Response:
    form = ChangeEmailForm(prefix="change")
    if form.validate_on_submit():
        try:
            privacy.request_email_change(
                current_user, new_email=form.email.data or "", password=form.password.data or ""
            )
        except AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "We sent a link to %(email)s: open it to confirm the change. Until "
                    "then your current address keeps working.",
                    email=form.email.data,
                ),
                "success",
            )
            return redirect(url_for("accounts.your_data"))
    return _render_account(email_form=form)


@bp.get("/me/account/email/<token>")
def confirm_email_change(token: str) -> str | Response | tuple[str, int]:
    try:
        user = privacy.confirm_email_change(token)
    except TokenError as error:
        return render_template("accounts/email_change_failed.html", expired=error.expired), 400
    except AccountError as error:
        return render_template("accounts/email_change_failed.html", message=error.message), 400
    db.session.commit()
    flash(_("Your e-mail address is now %(email)s.", email=user.email), "success")
    return redirect(
        url_for("accounts.your_data" if current_user.is_authenticated else "accounts.login")
    )


@bp.post("/me/account/delete")
@login_required
@limiter.limit("10 per 15 minutes")
def delete_account() -> str | Response:
    form = DeleteAccountForm(prefix="delete")
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            privacy.erase_account(user, actor=user, password=form.password.data or "")
        except AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(
                _(
                    "Your account has been deleted. Your public comments stay in the record under "
                    "“Former participant”."
                ),
                "success",
            )
            return redirect(url_for("drafts.home"))
    return _render_account(delete_form=form)


@admin_bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
def erase_user(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    require(can_administer(current_user))
    form = AdminEraseForm()
    if form.validate_on_submit():
        try:
            privacy.erase_account(user, actor=current_user, reason=form.reason.data or "")
        except AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("Account #%(id)s has been deleted.", id=user.id), "success")
            return redirect(url_for("admin.show_user", user_id=user.id))
    return render_template("admin/erase_user.html", user=user, form=form)
