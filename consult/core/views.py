"""Health check, the development-only mailbox, and the privacy, accessibility and rules pages."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy import select, text

from consult.core.models import OutboxMessage
from consult.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


@bp.get("/dev/mailbox")
def mailbox() -> str:
    """Outbox messages, newest first, so a local user can click verification links."""
    if not current_app.config["DEV_MAILBOX"]:
        abort(404)
    messages = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(50)
    ).all()
    return render_template("core/mailbox.html", messages=messages)


@bp.get("/privacy")
def privacy_notice() -> str:
    return render_template("core/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("core/accessibility.html")


@bp.get("/participation-rules")
def participation_rules() -> str:
    return render_template("core/rules.html")
