"""The moderation blueprint: triage and dispositions, revision workspace, public report."""

from __future__ import annotations

from flask import Blueprint

from consult.core import hooks
from consult.moderation import similarity, traceability, userdata

bp = Blueprint("moderation", __name__)


def _register_hooks(state: object) -> None:
    app = state.app  # type: ignore[attr-defined]
    hooks.register(app, "comment_thread", traceability.comment_thread_provider)
    hooks.register(app, "my_comments", traceability.comment_thread_provider)
    hooks.register(app, "version_page", traceability.version_page_provider)
    hooks.register(app, "compare_page", traceability.compare_page_provider)
    hooks.register(app, "comments_overview", similarity.overview_provider)
    hooks.register(app, "user_data", userdata.user_data_files)
    hooks.register(app, "user_erase", userdata.erase_decided_text)


bp.record_once(_register_hooks)

from consult.moderation.views import (  # noqa: E402, F401 - routes on bp
    desk,
    report,
    revisions,
    similar,
    statistics,
    triage,
)
