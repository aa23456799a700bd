"""Blueprint of the drafts domain: reading and comparing drafts, editing and publishing them.

Hook points drafts calls, and the keys its templates render when a provider returns them
(anything missing is simply not shown):
- "version_page" (version, sections, user): `comment_counts` {section_id: {category_id: n}},
  `comment_categories` (or `categories`): objects with .id and .name, `comment_totals`
  {section_id: n}, `change_reasons` {provision_id: [Comment]}, `panels` [(template, ctx)].
- "compare_page" (old, new, comparison, user): `change_reasons`, `panels`.
- "document_page" (document, user): `panels`.
Panels are included with their dict as `ctx` (also `panel`), like the groups page does.
Drafts provides "group_page": the group's documents and their consultations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app

from consult.core import hooks
from consult.core.permissions import can_publish
from consult.db import utcnow
from consult.drafts import queries

bp = Blueprint("drafts", __name__)


def group_page_panel(group: Any, user: Any = None, **_: Any) -> dict[str, Any]:
    """Hook "group_page": the group's documents and their consultations (two queries)."""
    documents = queries.documents_of_group(group, user)
    context = {
        "documents": documents,
        "group": group,
        "now": utcnow(),
        "may_create": can_publish(user, group),
    }
    return {"panels": [("drafts/_group_documents.html", context)]}


def has_endpoint(name: str) -> bool:
    """Whether another domain's page exists (templates link to it only if it does)."""
    return name in current_app.view_functions


@bp.app_template_filter("fromiso")
def from_iso(value: str) -> datetime:
    """An ISO timestamp kept in audit data, back to a datetime for `|datetime`."""
    return datetime.fromisoformat(value)


def _register(state: Any) -> None:
    hooks.register(state.app, "group_page", group_page_panel)
    state.app.jinja_env.globals.setdefault("has_endpoint", has_endpoint)


bp.record_once(_register)

from consult.drafts.views import editing, reading, translations  # noqa: E402, F401 - routes
