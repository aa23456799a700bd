"""Views of the comments domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("comments", __name__)


@bp.get("/me/comments")
def my_comments() -> str:  # placeholder until the comments work lands
    from flask import render_template

    return render_template("core/error.html", code=501, title="My comments", message="Soon")
