"""Views of the comments domain: provision pages with threads, comment actions, moderation."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("comments", __name__)

# Route modules register on `bp`; imported after it exists (the documented Flask pattern).
import consult.comments.views.actions  # noqa: E402
import consult.comments.views.moderate  # noqa: E402
import consult.comments.views.pages  # noqa: E402
import consult.comments.views.review  # noqa: E402
import consult.comments.views.workspace  # noqa: E402
from consult.comments.views.common import register_app_hooks  # noqa: E402

bp.record_once(lambda state: register_app_hooks(state.app))
bp.record_once(lambda state: consult.comments.views.workspace.register(state.app))
