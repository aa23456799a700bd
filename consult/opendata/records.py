"""The tables of a version's public record, their fields, and their rows streamed in batches.

Only public content: visible, non-confidential comments (replies inherit their thread's
confidentiality), their endorsements, decided dispositions, and the changes of published
revisions that cite them. No person's name or e-mail: authors appear by organisation and
stakeholder category, as in the disposition report.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, String, and_, cast, literal, select
from sqlalchemy.orm import aliased

from consult.accounts.models import StakeholderCategory
from consult.attachments.models import Attachment, Blob
from consult.comments.models import STATE_VISIBLE, Comment, Endorsement
from consult.comments.workspace import OWNER_COMMENT
from consult.drafts.models import STATUS_EDITING, Provision, Section, Version
from consult.extensions import db
from consult.moderation.models import Change, ChangeComment, Disposition, Revision

BATCH = 1000


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema type: integer, string, boolean, datetime
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (field, table, field)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


F = Field
TABLES = (
    Table(
        "provisions",
        "Provisions of the version, in document order",
        (
            F("provision_id", "integer", "Stable identity of the provision across versions"),
            F("key", "string", "The provision's current URL key"),
            F("section_id", "integer", "Identity of this provision's text in this version"),
            F("parent_provision_id", "integer", "The enclosing provision, if any"),
            F("position", "integer", "Order in the document"),
            F("depth", "integer", "Nesting depth, 0 at the top"),
            F("kind", "string", "part, chapter, commitment, measure, recital, ..."),
            F("number", "string", "Number as printed"),
            F("heading", "string", "Heading"),
            F("body", "string", "Text (Markdown)"),
        ),
        ("provision_id",),
    ),
    Table(
        "comments",
        "Public comments and replies on the version",
        (
            F("comment_id", "integer", "Identity of the comment"),
            F("provision_id", "integer", "The provision commented on"),
            F("parent_id", "integer", "The comment replied to, if a reply"),
            F("root_id", "integer", "The first comment of the thread, if a reply"),
            F("created_at", "datetime", "When it was posted (UTC)"),
            F("edited_at", "datetime", "When its author last edited it (UTC)"),
            F("kind", "string", "general, technical or editorial"),
            F("category", "string", "Author's stakeholder category (slug) when posting"),
            F("organisation", "string", "Author's organisation when posting"),
            F("pact_status", "string", "AI Pact status of that organisation, if verified"),
            F("author_role", "string", "chair, vice_chair or moderator when staff wrote it"),
            F("quote", "string", "The passage quoted"),
            F("body", "string", "The comment (Markdown)"),
            F("proposed_text", "string", "Replacement text proposed"),
            F("proposal_scope", "string", "passage or provision: what the proposal replaces"),
            F("language", "string", "Language the comment is written in (ISO 639-1)"),
            F("quote_language", "string", "Language of the translation quoted, if not the source"),
        ),
        ("comment_id",),
        (("provision_id", "provisions", "provision_id"),),
    ),
    Table(
        "attachments",
        "Position papers attached to the public top-level comments",
        (
            F("attachment_id", "integer", "Identity of the attached file"),
            F("comment_id", "integer", "The comment it is attached to"),
            F("filename", "string", "Name of the file"),
            F("file_type", "string", "pdf, odt or docx (judged from the content)"),
            F("size", "integer", "Size in bytes"),
            F("sha256", "string", "SHA-256 of the content"),
            F("url", "string", "Download address"),
        ),
        ("attachment_id",),
        (("comment_id", "comments", "comment_id"),),
    ),
    Table(
        "endorsements",
        "Support and opposition to the public comments",
        (
            F("endorsement_id", "integer", "Identity of the endorsement"),
            F("comment_id", "integer", "The comment endorsed"),
            F("stance", "string", "support or oppose"),
            F("category", "string", "Stakeholder category (slug) of the endorser"),
            F("created_at", "datetime", "When it was given (UTC)"),
        ),
        ("endorsement_id",),
        (("comment_id", "comments", "comment_id"),),
    ),
    Table(
        "dispositions",
        "The moderators' decided answers to top-level comments",
        (
            F("comment_id", "integer", "The comment answered"),
            F("outcome", "string", "accepted, partly_accepted, rejected, noted, ..."),
            F("rationale", "string", "Why (Markdown)"),
            F("duplicate_of", "integer", "The public comment this one duplicates"),
            F("decided_at", "datetime", "When it was decided (UTC)"),
        ),
        ("comment_id",),
        (("comment_id", "comments", "comment_id"),),
    ),
    Table(
        "changes",
        "Changes in later published versions that these comments motivated",
        (
            F("change_id", "integer", "Identity of the change"),
            F("comment_id", "integer", "A comment behind the change"),
            F("version", "integer", "The version in which the change was made"),
            F("provision_id", "integer", "The provision changed"),
            F("provision_key", "string", "Its current URL key"),
            F("applied", "boolean", "Whether the comment's proposed text was applied verbatim"),
            F("note", "string", "The moderators' note on the change"),
        ),
        ("change_id", "comment_id"),
        (("comment_id", "comments", "comment_id"),),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}


def public_comment(version: Version, comment: Any = Comment) -> ColumnElement[bool]:
    return and_(
        comment.version_id == version.id,
        comment.state == STATE_VISIBLE,
        comment.is_confidential.is_(False),
    )


def _category() -> Any:
    return (
        select(StakeholderCategory.slug)
        .where(StakeholderCategory.id == Comment.category_id)
        .scalar_subquery()
    )


def _statements(version: Version) -> dict[str, Select[Any]]:
    parent = aliased(Section)
    original = aliased(Comment)
    endorser_category = aliased(StakeholderCategory)
    later = aliased(Version)
    return {
        "provisions": select(
            Section.provision_id,
            Provision.key,
            Section.id,
            parent.provision_id,
            Section.position,
            Section.depth,
            Section.kind,
            Section.number,
            Section.heading,
            Section.body,
        )
        .join(Provision, Provision.id == Section.provision_id)
        .outerjoin(parent, parent.id == Section.parent_id)
        .where(Section.version_id == version.id)
        .order_by(Section.position),
        "comments": select(
            Comment.id,
            Comment.provision_id,
            Comment.parent_id,
            Comment.root_id,
            Comment.created_at,
            Comment.edited_at,
            Comment.kind,
            _category(),
            Comment.organisation_name,
            Comment.pact_status,
            Comment.author_role,
            Comment.quote,
            Comment.body,
            Comment.proposed_text,
            Comment.proposal_scope,
            Comment.language,
            Comment.quote_language,
        )
        .where(public_comment(version))
        .order_by(Comment.id),
        "attachments": select(
            Attachment.id,
            Attachment.owner_id,
            Attachment.filename,
            Blob.file_type,
            Blob.size,
            Blob.sha256,
            literal(f"{current_app.config['BASE_URL'].rstrip('/')}/attachments/")
            + cast(Attachment.id, String)
            + "/"
            + Attachment.filename,
        )
        .join(Blob, Blob.id == Attachment.blob_id)
        .join(Comment, Comment.id == Attachment.owner_id)
        .where(
            Attachment.owner_type == OWNER_COMMENT,
            public_comment(version),
            Comment.parent_id.is_(None),
        )
        .order_by(Attachment.id),
        "endorsements": select(
            Endorsement.id,
            Endorsement.comment_id,
            Endorsement.stance,
            endorser_category.slug,
            Endorsement.created_at,
        )
        .join(Comment, Comment.id == Endorsement.comment_id)
        .outerjoin(endorser_category, endorser_category.id == Endorsement.category_id)
        .where(public_comment(version))
        .order_by(Endorsement.id),
        "dispositions": select(
            Disposition.comment_id,
            Disposition.outcome,
            Disposition.rationale,
            original.id,
            Disposition.decided_at,
        )
        .join(Comment, Comment.id == Disposition.comment_id)
        # The original of a duplicate is named only if it is itself public.
        .outerjoin(
            original,
            and_(
                original.id == Disposition.duplicate_of_id,
                original.state == STATE_VISIBLE,
                original.is_confidential.is_(False),
            ),
        )
        .where(
            public_comment(version),
            Comment.parent_id.is_(None),
            Disposition.outcome.is_not(None),
        )
        .order_by(Disposition.comment_id),
        "changes": select(
            Change.id,
            ChangeComment.comment_id,
            later.number,
            Change.provision_id,
            Provision.key,
            ChangeComment.applied,
            Change.note,
        )
        .join(Change, Change.id == ChangeComment.change_id)
        .join(Revision, Revision.id == Change.revision_id)
        .join(later, later.id == Revision.version_id)
        .join(Provision, Provision.id == Change.provision_id)
        .join(Comment, Comment.id == ChangeComment.comment_id)
        # A revision still being prepared is not public: only published versions count.
        .where(public_comment(version), later.status != STATUS_EDITING)
        .order_by(Change.id, ChangeComment.comment_id),
    }


def rows(version: Version, table: str) -> Iterator[tuple[Any, ...]]:
    """The table's rows in a stable order, read from a server-side cursor in batches."""
    stmt = _statements(version)[table].execution_options(yield_per=BATCH)
    for batch in db.session.execute(stmt).partitions():
        for row in batch:
            yield tuple(row)
