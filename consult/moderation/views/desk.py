"""The staff desk at /desk, and its "Distribute" action."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from consult.core import hooks
from consult.core.permissions import can_moderate, can_use_desk, require
from consult.drafts.models import Version
from consult.extensions import db
from consult.moderation import desk as desk_queries
from consult.moderation.services import ModerationError
from consult.moderation.similar_forms import DistributeForm
from consult.moderation.views import bp


@bp.get("/desk")
def desk() -> ResponseReturnValue:
    require(can_use_desk(current_user))
    desks = desk_queries.desk_for(current_user)
    # Other domains' work per group (reports on questions to the chairs, ...): "desk" hook.
    extra = hooks.collect("desk", user=current_user, groups=[d.group for d in desks])
    return render_template(
        "moderation/desk.html",
        desks=desks,
        desk_items=extra.get("desk_items", []),
        form=DistributeForm(formdata=None),
    )


@bp.post("/desk/distribute")
def distribute() -> ResponseReturnValue:
    require(can_use_desk(current_user))
    form = DistributeForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("moderation.desk"))
    try:
        version_id = int(form.version_id.data or 0)
    except ValueError:
        version_id = 0
    version = db.get_or_404(Version, version_id) if 0 < version_id < 2**31 else None
    if version is None:
        flash(_("Choose a version."), "error")
        return redirect(url_for("moderation.desk"))
    require(can_moderate(current_user, version))
    try:
        shares = desk_queries.distribute(version, user=current_user)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        total = sum(shares.values())
        flash(
            _(
                "%(count)s comment(s) distributed among %(people)s moderator(s).",
                count=total,
                people=len(shares),
            ),
            "success",
        )
    return redirect(url_for("moderation.desk"))
