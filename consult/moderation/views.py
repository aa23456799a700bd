"""Views of the moderation domain."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("moderation", __name__)
