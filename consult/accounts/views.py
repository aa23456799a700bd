"""Accounts blueprint: sign-up, sign-in, e-mail checks, password reset, profile, organisations.

The admin area lives in admin_views.py; its blueprint is re-exported here for the app setup.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.accounts import services
from consult.accounts.admin_views import admin_bp
from consult.accounts.affiliation import speaking_for, stored_label
from consult.accounts.countries import country_name
from consult.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    ResendVerificationForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from consult.accounts.models import PACT_BADGES, Organisation, StakeholderCategory
from consult.core import hooks, i18n
from consult.core.lazytext import lazy_gettext as _l
from consult.extensions import db, limiter, login_manager

__all__ = ["admin_bp", "bp"]
logger = logging.getLogger(__name__)
bp = Blueprint("accounts", __name__)
bp.add_app_template_filter(country_name, "country_name")
bp.add_app_template_filter(stored_label, "stored_label")
bp.record_once(
    lambda state: state.app.jinja_env.globals.update(
        PACT_BADGES=PACT_BADGES, speaking_for=speaking_for
    )
)

login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to continue."
# Flask-Login flashes it through this, so it is translated in the language of the request.
login_manager.localize_callback = _
_CATALOGUE = _l("Sign in to continue.")
login_manager.login_message_category = "info"
login_manager.user_loader(services.load_user)


def safe_next(target: str | None) -> str | None:
    """A same-site relative path to go back to after sign-in, or None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):  # browsers read /\ as //
        return None
    return target


def _field_error(form: object, error: services.AccountError) -> None:
    """Show a refused change beside its field. Nothing is committed on this path: services
    check before they change anything, and the request's session is discarded at teardown."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)  # type: ignore[attr-defined]


def _login_account() -> str:
    """The account a sign-in is for (the typed address), so guessing is limited per account
    too, whatever the number of addresses it comes from."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:320]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
@limiter.limit(
    "10 per 15 minutes; 50 per day",
    methods=["POST"],
    key_func=_login_account,
    # Only failed attempts count: the account's owner signing in is never held back by it.
    deduct_when=lambda response: response.status_code != 302,
)
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append(_("The e-mail address or password is not correct."))
        else:
            db.session.commit()
            login_user(user, remember=bool(form.remember.data))
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("drafts.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    services.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("drafts.home"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
def signup() -> str | Response:
    if current_user.is_authenticated:
        flash(_("You already have an account and are signed in."), "info")
        return redirect(url_for("accounts.profile"))
    categories = services.active_categories()
    form = SignupForm(organisations=services.organisation_choices(), categories=categories)
    if form.validate_on_submit():
        by_id = {c.id: c for c in categories}
        organisation = new_organisation = independent_category = None
        if form.affiliation.data == "existing":
            organisation = db.session.get(Organisation, int(form.organisation_id.data or 0))
            independent_category = by_id[int(form.own_category.data or 0)]
        elif form.affiliation.data == "new":
            new_organisation = services.NewOrganisation(
                name=form.org_name.data or "",
                category=by_id[int(form.org_category.data or 0)],
                country=form.org_country.data or "",
                transparency_register_id=(form.org_register_id.data or "").strip() or None,
            )
        else:
            independent_category = by_id[int(form.expert_category.data or 0)]
        try:
            user = services.sign_up(
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                password=form.password.data or "",
                organisation=organisation,
                new_organisation=new_organisation,
                independent_category=independent_category,
                locale=i18n.current_language(),
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(
                _(
                    "Your account is ready. We sent a link to %(email)s: open it to confirm "
                    "your address, then you can comment.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("drafts.home"))
    return render_template("accounts/signup.html", form=form)


@bp.get("/verify/<token>")
def verify_email(token: str) -> str | Response | tuple[str, int]:
    try:
        user = services.verify_email(token)
    except services.TokenError as error:
        return render_template(
            "accounts/verify_failed.html", expired=error.expired, form=ResendVerificationForm()
        ), 400
    db.session.commit()
    flash(_("Thank you: %(email)s is confirmed. You can now comment.", email=user.email), "success")
    return redirect(url_for("drafts.home"))


@bp.post("/verify/resend")
@limiter.limit("3 per 10 minutes; 10 per day", methods=["POST"])
def resend_verification() -> str | Response | tuple[str, int]:
    form = ResendVerificationForm()
    if not form.validate_on_submit():
        return render_template("accounts/verify_failed.html", expired=False, form=form), 400
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        if user.is_verified:
            flash(_("Your e-mail address is already confirmed."), "info")
            return redirect(url_for("accounts.profile"))
    else:
        user = services.find_user_by_email(form.email.data or "")
    services.resend_verification(user)
    db.session.commit()
    # The same answer whether or not the address is known, so it reveals nothing.
    flash(
        _(
            "If that account still needs confirming, a new link is on its way. "
            "It may take a few minutes to arrive."
        ),
        "success",
    )
    return redirect(
        url_for("accounts.profile") if current_user.is_authenticated else url_for("drafts.home")
    )


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes; 20 per day", methods=["POST"])
def request_reset() -> str | Response:
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        db.session.commit()
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    try:
        user = services.user_for_reset_token(token)
    except services.TokenError as error:
        return render_template("accounts/reset_failed.html", expired=error.expired), 400
    form = ResetPasswordForm(user=user)
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data or "")
        db.session.commit()
        login_user(user)
        flash(_("Your password has been changed and you are signed in."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/reset_password.html", form=form, user=user)


def _profile_form(user: Any, **kwargs: Any) -> ProfileForm:
    return ProfileForm(
        obj=user,
        categories=services.all_categories(),
        own_category=str(user.independent_category_id or ""),
        locale=user.locale or "",
        **kwargs,
    )


def _render_profile(
    profile_form: ProfileForm | None = None, password_form: ChangePasswordForm | None = None
) -> str:
    user = current_user._get_current_object()
    return render_template(
        "accounts/profile.html",
        user=user,
        profile_form=profile_form or _profile_form(user, formdata=None),
        password_form=password_form or ChangePasswordForm(user=user, formdata=None),
        resend_form=ResendVerificationForm(formdata=None),
        panels=hooks.collect("profile_page", user=user).get("panels", []),
    )


@bp.route("/me/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = current_user._get_current_object()
    form = _profile_form(user)
    if form.validate_on_submit():
        own = form.own_category.data
        try:
            services.update_profile(
                user,
                display_name=form.display_name.data or "",
                bio=form.bio.data or "",
                notify_mode=form.notify_mode.data or "",
                listed_publicly=bool(form.listed_publicly.data),
                own_category=db.session.get(StakeholderCategory, int(own)) if own else None,
                locale=form.locale.data or "",
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            refresh()  # the message below in the language just chosen
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _render_profile(profile_form=form)


@bp.get("/language/<code>")
@limiter.limit("60 per minute")
def choose_language(code: str) -> Response:
    """The header's language switcher: remember the choice and go back to the page.

    A plain link (works without JavaScript): the cookie keeps the choice for visitors; signed in,
    the profile keeps it too, so e-mails follow. An unknown code changes nothing.
    """
    language = i18n.normalise(code[:8])
    target = safe_next(request.args.get("next")) or url_for("drafts.home")
    response = redirect(target)
    if language is None:
        return response
    if current_user.is_authenticated:
        services.set_locale(current_user._get_current_object(), language)
        db.session.commit()
    response.set_cookie(
        i18n.LANG_COOKIE, language, max_age=i18n.COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=request.is_secure,
    )  # fmt: skip
    return response


@bp.post("/me/password")
@login_required
@limiter.limit("10 per 15 minutes")
def change_password() -> str | Response:
    user = current_user._get_current_object()
    form = ChangePasswordForm(user=user)
    if form.validate_on_submit():
        try:
            services.change_password(
                user, current=form.current_password.data or "", new=form.password.data or ""
            )
        except services.AccountError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            login_user(user)  # the new nonce ended every session, this one included
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for("accounts.profile"))
    return _render_profile(password_form=form)


# The organisation and person pages register on this blueprint too.
from consult.accounts import org_views, privacy_views  # noqa: E402, F401
