"""Updates by e-mail without an account: subscribe, confirm, manage, unsubscribe (one click).

The subscription form sits on the home page and on each group page ("home_page" and
"group_page" hooks); /updates/ is the full form and where a refused one is shown again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from consult.core import hooks
from consult.core.i18n import available_languages, current_language, language_name
from consult.extensions import csrf, db, limiter
from consult.groups import updates
from consult.groups.models import WorkingGroup
from consult.groups.update_forms import (
    ChoicesForm,
    ConfirmForm,
    DeleteForm,
    ManageForm,
    SubscribeForm,
    UnsubscribeForm,
)
from consult.groups.update_models import SUB_CONFIRMED, SUB_UNSUBSCRIBED, UpdateSubscriber

bp = Blueprint("updates", __name__, url_prefix="/updates")
SUBSCRIBE_LIMIT = "5 per minute; 30 per hour"
UNSUBSCRIBE_LIMIT = "30 per minute"


def _groups() -> list[WorkingGroup]:
    return list(db.session.scalars(db.select(WorkingGroup).order_by(WorkingGroup.name)))


def _prepare(form: ChoicesForm) -> None:
    form.groups.choices = [SelectChoice(g.id, g.name) for g in _groups()]
    form.language.choices = [
        SelectChoice(code, language_name(code), {"lang": code}) for code in available_languages()
    ]


def _subscriber(token: str) -> UpdateSubscriber:
    subscriber = updates.by_token(token)
    if subscriber is None:
        abort(404)
    return subscriber


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(SUBSCRIBE_LIMIT, methods=["POST"])
def subscribe() -> str | Response:
    form = SubscribeForm()
    _prepare(form)
    if form.validate_on_submit():
        updates.request_subscription(
            form.email.data,
            bool(form.site_wide.data),
            form.groups.data or [],
            form.kinds.data or [],
            form.language.data,
        )
        db.session.commit()
        return redirect(url_for("updates.check_inbox"))
    if not form.is_submitted():
        form.kinds.data = [choice.value for choice in form.kinds.choices]
        form.site_wide.data = True
        form.language.data = current_language()
    return render_template("updates/subscribe.html", form=form)


@bp.get("/sent")
def check_inbox() -> str:
    return render_template("updates/sent.html")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | Response:
    form = ConfirmForm()
    try:
        subscriber = updates.subscriber_to_confirm(token[:500])
    except updates.UpdateError as error:
        return render_template("updates/invalid.html", message=str(error)), 404  # type: ignore[return-value]
    if form.validate_on_submit():
        updates.confirm(subscriber)
        db.session.commit()
        flash(_("Your subscription is confirmed."), "success")
        return redirect(url_for("updates.manage", secret=subscriber.token))
    return render_template("updates/confirm.html", form=form, subscriber=subscriber)


@bp.route("/manage/<secret>", methods=["GET", "POST"])
def manage(secret: str) -> str | Response:
    subscriber = _subscriber(secret)
    form = ManageForm(prefix="choices")
    delete_form = DeleteForm(prefix="delete")
    _prepare(form)
    if delete_form.submit.data and delete_form.validate_on_submit():
        updates.delete_subscription(subscriber)
        db.session.commit()
        flash(_("Your subscription and your e-mail address are deleted."), "success")
        return redirect(url_for("updates.subscribe"))
    if form.submit.data and form.validate_on_submit():
        updates.save_choices(
            subscriber,
            bool(form.site_wide.data),
            form.groups.data or [],
            form.kinds.data or [],
            form.language.data,
        )
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("updates.manage", secret=subscriber.token))
    if not form.is_submitted():
        form.site_wide.data = subscriber.site_wide
        form.groups.data = subscriber.group_ids
        form.kinds.data = subscriber.kinds
        form.language.data = subscriber.language
    return render_template(
        "updates/manage.html",
        form=form,
        delete_form=delete_form,
        subscriber=subscriber,
        confirmed=subscriber.status == SUB_CONFIRMED,
        unsubscribed=subscriber.status == SUB_UNSUBSCRIBED,
    )


@bp.route("/unsubscribe/<secret>", methods=["GET", "POST"])
@limiter.limit(UNSUBSCRIBE_LIMIT, methods=["POST"])
@csrf.exempt
def unsubscribe(secret: str) -> str:
    """GET asks; POST unsubscribes, also RFC 8058's one-click POST (no session, no CSRF token:
    the secret in the address is the proof; nothing but unsubscribing can be done here)."""
    subscriber = _subscriber(secret)
    form = UnsubscribeForm()
    if form.is_submitted():
        updates.unsubscribe(subscriber)
        db.session.commit()
        return render_template("updates/unsubscribed.html", subscriber=subscriber)
    return render_template("updates/unsubscribe.html", form=form, subscriber=subscriber)


def subscribe_panel(group: Any = None, user: Any = None) -> dict[str, Any]:
    """Hooks "home_page" and "group_page": the short subscription form (no query)."""
    form = SubscribeForm(formdata=None)
    return {"panels": [("updates/_subscribe_panel.html", {"form": form, "group": group})]}


def _register(state: Any) -> None:
    hooks.register(state.app, "home_page", subscribe_panel)
    hooks.register(state.app, "group_page", subscribe_panel)
    hooks.register(state.app, "user_data", updates.user_data_files)
    hooks.register(state.app, "user_erase", updates.erase_subscriptions)
    hooks.register(state.app, "purge", updates.purge_steps)


bp.record_once(_register)
