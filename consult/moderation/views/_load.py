"""Loading helpers shared by the moderation views (404 when absent)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from consult.comments.models import Comment
from consult.core.permissions import can_view, require_visible
from consult.drafts.models import Document, Version
from consult.extensions import db
from consult.moderation.services import optional_url


def load_version(slug: str, number: int) -> Version:
    """The version, or 404 - also for a signed-in person who may not see it, so a members-only
    document answers exactly as a missing one does (no existence oracle)."""
    version = db.session.scalars(
        select(Version).join(Document).where(Document.slug == slug, Version.number == number)
    ).first()
    if version is None:
        abort(404)
    require_visible(can_view(current_user, version))
    return version


def load_top_comment(version: Version, comment_id: int) -> Comment:
    comment = db.get_or_404(Comment, comment_id)
    if comment.version_id != version.id or comment.parent_id is not None:
        abort(404)
    return comment


def nav_links(version: Version) -> dict[str, str | None]:
    """Breadcrumb targets: the document and version pages (drafts domain)."""
    slug = version.document.slug
    return {
        "document": optional_url("drafts.show_document", slug=slug),
        "version": optional_url("drafts.show_version", slug=slug, number=version.number),
    }


def revision_links(version: Version, user: object) -> dict[str, object]:
    """The open revision based on this version, and whether one may be opened now."""
    from consult.moderation.revisions import revision_state

    return revision_state(version, user)
