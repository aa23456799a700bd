"""Public comments on the person and organisation pages (hooks person_page, organisation_page)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consult.comments.models import STATE_VISIBLE, Comment
from consult.core import hooks
from consult.core.pagination import paginate
from consult.drafts.models import STATUS_EDITING, VISIBILITY_PUBLIC, Document, Section, Version

PER_PAGE = 20


def _public_comments(*where: Any) -> Any:
    """What anyone may read: visible, not confidential, on a published public document."""
    stmt = (
        select(Comment)
        .join(Version, Version.id == Comment.version_id)
        .join(Document, Document.id == Version.document_id)
        .where(
            *where,
            Comment.state == STATE_VISIBLE,
            Comment.is_confidential.is_(False),
            Document.visibility == VISIBILITY_PUBLIC,
            Version.status != STATUS_EDITING,
        )
        .options(joinedload(Comment.section).joinedload(Section.version))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    per_page = min(PER_PAGE, int(current_app.config["PAGE_SIZE"]))
    return paginate(stmt, per_page=per_page)


def person_panel(person: Any, **_: Any) -> dict[str, Any]:
    page = _public_comments(Comment.author_id == person.id)
    return {"panels": [("comments/_public_comments.html", {"page": page, "whose": "their"})]}


def organisation_panel(organisation: Any, **_: Any) -> dict[str, Any]:
    # The comment's own snapshot: what was said for the organisation at the time.
    page = _public_comments(Comment.organisation_id == organisation.id)
    return {"panels": [("comments/_public_comments.html", {"page": page, "whose": "its"})]}


def register(app: Any) -> None:
    hooks.register(app, "person_page", person_panel)
    hooks.register(app, "organisation_page", organisation_panel)
