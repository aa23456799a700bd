"""Sign-in and sign-out (accounts blueprint) and the admin area (admin blueprint)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from consult.accounts import services
from consult.accounts.forms import LoginForm
from consult.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
login_manager.user_loader(services.load_user)


def safe_next(target: str | None) -> str | None:
    """A same-site relative path to go back to after sign-in, or None."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append("The e-mail address or password is not correct.")
        else:
            db.session.commit()
            login_user(user, remember=bool(form.remember.data))
            flash(f"Signed in as {user.display_name}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("drafts.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("drafts.home"))


# Placeholders until the accounts work lands (the base layout links to them).
@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str:
    return render_template("core/error.html", code=501, title="Sign-up", message="Coming soon")


@bp.get("/me/profile")
@login_required
def profile() -> str:
    return render_template("core/error.html", code=501, title="Profile", message="Coming soon")


@admin_bp.get("/")
def index() -> str:
    return render_template("core/error.html", code=501, title="Admin", message="Coming soon")
