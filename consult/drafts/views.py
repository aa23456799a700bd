"""Views of the drafts domain: home, documents, versions, provisions, comparison."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("drafts", __name__)


@bp.get("/")
def home() -> str:
    return render_template("drafts/home.html")
