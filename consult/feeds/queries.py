"""What the feeds list: published versions and decided public dispositions, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.comments.models import STATE_VISIBLE, Comment
from consult.drafts.models import (
    STATUS_EDITING,
    VISIBILITY_PUBLIC,
    Document,
    Provision,
    Section,
    Version,
)
from consult.extensions import db
from consult.groups.models import WorkingGroup
from consult.moderation.models import Disposition

LIMIT = 50


def public_document(slug: str) -> Document | None:
    return db.session.scalars(
        select(Document).where(Document.slug == slug, Document.visibility == VISIBILITY_PUBLIC)
    ).first()


def public_version(document: Document, number: int) -> Version | None:
    return db.session.scalars(
        select(Version).where(
            Version.document_id == document.id,
            Version.number == number,
            Version.status != STATUS_EDITING,
        )
    ).first()


def group_by_slug(slug: str) -> WorkingGroup | None:
    return db.session.scalars(select(WorkingGroup).where(WorkingGroup.slug == slug)).first()


def published_versions(
    document: Document | None = None, group: WorkingGroup | None = None
) -> list[Version]:
    """The newest published versions of one public document, or of a group's public ones."""
    stmt = (
        select(Version)
        .join(Document, Document.id == Version.document_id)
        .where(Version.status != STATUS_EDITING, Document.visibility == VISIBILITY_PUBLIC)
        .order_by(Version.published_at.desc(), Version.id.desc())
        .limit(LIMIT)
    )
    if document is not None:
        stmt = stmt.where(Version.document_id == document.id)
    if group is not None:
        stmt = stmt.where(Document.group_id == group.id)
    return list(db.session.scalars(stmt))


def decided_dispositions(version: Version) -> list[Any]:
    """(disposition, comment, section, provision key) of the newest decisions on public comments."""
    return list(
        db.session.execute(
            select(Disposition, Comment, Section, Provision.key)
            .join(Comment, Comment.id == Disposition.comment_id)
            .join(Section, Section.id == Comment.section_id)
            .join(Provision, Provision.id == Comment.provision_id)
            .where(
                Comment.version_id == version.id,
                Comment.is_confidential.is_(False),
                Comment.state == STATE_VISIBLE,
                Disposition.outcome.is_not(None),
                Disposition.decided_at.is_not(None),
            )
            .order_by(Disposition.decided_at.desc(), Disposition.id.desc())
            .limit(LIMIT)
        ).all()
    )
