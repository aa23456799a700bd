"""Views of the groups domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("groups", __name__)


@bp.get("/groups/")
def list_groups() -> str:  # placeholder until the groups work lands
    from flask import render_template

    return render_template("core/error.html", code=501, title="Working groups", message="Soon")
