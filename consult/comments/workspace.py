"""Organisation workspaces: co-drafting, sign-off, publication as one voice (flush, never commit).

Nothing here is public: drafts and notes are read only through these functions, by confirmed
members of the organisation (core.permissions.can_use_workspace). A draft becomes a Comment
only through create_comment, so counts, the search index and notifications treat it as any
comment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from consult.accounts.models import TIE_CONFIRMED, Organisation, OrganisationMembership, User
from consult.attachments import services as attachments
from consult.attachments.storage import StagedFile
from consult.comments.models import KINDS, Comment
from consult.comments.services import CommentError, _scope, create_comment
from consult.comments.text import passage_occurs
from consult.comments.workspace_models import (
    DRAFT_OPEN,
    DRAFT_PUBLISHED,
    WorkspaceDraft,
    WorkspaceDraftChange,
    WorkspaceNote,
)
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.permissions import comment_refusal, is_representative
from consult.core.urls import email_url
from consult.db import utcnow
from consult.drafts.models import Section, Version
from consult.extensions import db

logger = logging.getLogger(__name__)
OWNER_DRAFT = "workspace_draft"
OWNER_COMMENT = "comment"
WARNING_BEFORE_CLOSE = timedelta(hours=48)
TEXT_FIELDS = ("kind", "body", "quote", "proposed_text")


class WorkspaceError(Exception):
    """A refused workspace action; the message is shown to the user."""


@dataclass
class Conflict(Exception):
    """A save based on an older revision: both texts are shown, nothing is lost."""

    draft: WorkspaceDraft
    theirs: dict[str, str]


def _check_text(section: Section, fields: dict[str, Any]) -> dict[str, Any]:
    quote = (fields.get("quote") or "").strip()
    proposed = (fields.get("proposed_text") or "").strip()
    kind = fields.get("kind") or "general"
    if kind not in KINDS:
        raise WorkspaceError(_("Choose the kind of comment."))
    if quote and not passage_occurs(quote, section):
        raise WorkspaceError(_("The quoted passage must be copied exactly from the provision."))
    try:
        scope = _scope(proposed, fields.get("proposal_scope"), quote)
    except CommentError as error:
        raise WorkspaceError(str(error)) from error
    return {
        "kind": kind,
        "body": (fields.get("body") or "").strip(),
        "quote": quote,
        "proposed_text": proposed,
        "proposal_scope": scope,
    }


def _record(draft: WorkspaceDraft, user: Any, action: str) -> None:
    db.session.add(
        WorkspaceDraftChange(
            draft_id=draft.id,
            user_id=user.id,
            action=action,
            revision=draft.revision,
            **{name: getattr(draft, name) for name in TEXT_FIELDS},
        )
    )


def _refuse_unless_open(draft_or_version: Any) -> None:
    version = getattr(draft_or_version, "version", draft_or_version)
    if version.window_state(utcnow()) != "open":
        raise WorkspaceError(
            _("The consultation on this version has closed: the draft can only be read.")
        )


def create_draft(
    organisation: Organisation,
    section: Section,
    *,
    user: Any,
    files: list[StagedFile] | None = None,
    **fields: Any,
) -> WorkspaceDraft:
    version = section.version
    _refuse_unless_open(version)
    values = _check_text(section, fields)
    draft = WorkspaceDraft(
        organisation_id=organisation.id,
        version_id=version.id,
        section_id=section.id,
        created_by_id=user.id,
        updated_by_id=user.id,
        **values,
    )
    db.session.add(draft)
    db.session.flush()
    _record(draft, user, "created")
    attachments.attach(OWNER_DRAFT, draft.id, files or [], user=user)
    db.session.flush()
    return draft


def edit_draft(
    draft: WorkspaceDraft,
    *,
    user: Any,
    base_revision: int,
    files: list[StagedFile] | None = None,
    **fields: Any,
) -> WorkspaceDraft:
    """Save a colleague's edit, unless someone saved since `base_revision` (Conflict)."""
    if not draft.is_open:
        raise WorkspaceError(_("This draft has been published and can no longer be changed."))
    _refuse_unless_open(draft.section)
    values = _check_text(draft.section, fields)
    if not files and all(getattr(draft, k) == v for k, v in values.items()):
        return draft  # nothing changed: no new revision
    # The compare-and-set is one UPDATE, so two saves of the same revision cannot both win.
    updated = db.session.execute(
        update(WorkspaceDraft)
        .where(
            WorkspaceDraft.id == draft.id,
            WorkspaceDraft.revision == base_revision,
            WorkspaceDraft.status == DRAFT_OPEN,
        )
        .values(
            revision=WorkspaceDraft.revision + 1,
            updated_by_id=user.id,
            updated_at=utcnow(),
            **values,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(draft)
    if getattr(updated, "rowcount", 0) == 0:
        raise Conflict(draft, {k: values.get(k) or "" for k in (*TEXT_FIELDS, "proposal_scope")})
    _record(draft, user, "edited")
    attachments.attach(OWNER_DRAFT, draft.id, files or [], user=user)
    db.session.flush()
    return draft


def add_note(draft: WorkspaceDraft, *, user: Any, body: str) -> WorkspaceNote:
    note = WorkspaceNote(draft_id=draft.id, author_id=user.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    return note


def approve_drafts(drafts: list[WorkspaceDraft], *, user: Any) -> list[Comment]:
    """A representative approves drafts: each is published as a comment of the organisation."""
    published = []
    for draft in drafts:
        if not is_representative(user, draft.organisation):
            raise WorkspaceError(_("Only a representative of the organisation can approve."))
        if not draft.is_open:
            continue
        refusal = comment_refusal(user, draft.section.version)
        if refusal:
            raise WorkspaceError(_(refusal))
        try:
            comment = create_comment(
                draft.section,
                user=user,
                body=draft.body,
                kind=draft.kind,
                quote=draft.quote,
                proposed_text=draft.proposed_text,
                proposal_scope=draft.proposal_scope,
            )
        except CommentError as error:
            raise WorkspaceError(str(error)) from error
        comment.approved_by_id = user.id
        comment.approved_by_name = user.display_name
        attachments.copy_attachments(OWNER_DRAFT, draft.id, OWNER_COMMENT, comment.id)
        draft.status = DRAFT_PUBLISHED
        draft.comment_id = comment.id
        draft.approved_by_id = user.id
        draft.approved_at = utcnow()
        db.session.flush()
        _record(draft, user, "approved")
        audit.record(user, "workspace.approve", draft, after={"comment_id": comment.id})
        published.append(comment)
    db.session.flush()
    return published


# --- reading ------------------------------------------------------------------------------


def drafts_of(organisation: Organisation, version: Version) -> list[WorkspaceDraft]:
    return list(
        db.session.scalars(
            select(WorkspaceDraft)
            .where(
                WorkspaceDraft.organisation_id == organisation.id,
                WorkspaceDraft.version_id == version.id,
            )
            .options(
                selectinload(WorkspaceDraft.section),
                selectinload(WorkspaceDraft.updated_by),
                selectinload(WorkspaceDraft.approved_by),
            )
            .order_by(WorkspaceDraft.status, WorkspaceDraft.id)
        )
    )


def versions_with_drafts(organisation: Organisation) -> list[tuple[Version, int, int]]:
    """(version, open drafts, published drafts) for every version the organisation drafted on."""
    open_n = func.sum(func.cast(WorkspaceDraft.status == DRAFT_OPEN, db.Integer))
    rows = db.session.execute(
        select(WorkspaceDraft.version_id, open_n, func.count(WorkspaceDraft.id))
        .where(WorkspaceDraft.organisation_id == organisation.id)
        .group_by(WorkspaceDraft.version_id)
    ).all()
    versions = {
        v.id: v
        for v in db.session.scalars(select(Version).where(Version.id.in_([r[0] for r in rows])))
    }
    return [
        (versions[vid], int(n_open or 0), int(total) - int(n_open or 0))
        for vid, n_open, total in rows
    ]


def history_of(draft: WorkspaceDraft) -> list[WorkspaceDraftChange]:
    return list(
        db.session.scalars(
            select(WorkspaceDraftChange)
            .where(WorkspaceDraftChange.draft_id == draft.id)
            .options(selectinload(WorkspaceDraftChange.user))
            .order_by(WorkspaceDraftChange.id.desc())
        )
    )


def notes_of(draft: WorkspaceDraft) -> list[WorkspaceNote]:
    return list(
        db.session.scalars(
            select(WorkspaceNote)
            .where(WorkspaceNote.draft_id == draft.id)
            .options(selectinload(WorkspaceNote.author))
            .order_by(WorkspaceNote.id)
        )
    )


def organisation_comments(organisation: Organisation, version: Version) -> list[Comment]:
    """The organisation's published voice on a version (visible, public, approved comments)."""
    return list(
        db.session.scalars(
            select(Comment)
            .where(
                Comment.organisation_id == organisation.id,
                Comment.version_id == version.id,
                Comment.approved_by_name != "",
                Comment.state == "visible",
                Comment.is_confidential.is_(False),
                Comment.parent_id.is_(None),
            )
            .options(selectinload(Comment.section))
            .order_by(Comment.created_at, Comment.id)
        )
    )


def versions_with_voice(organisation: Organisation) -> list[tuple[Version, int]]:
    rows = db.session.execute(
        select(Comment.version_id, func.count(Comment.id))
        .where(
            Comment.organisation_id == organisation.id,
            Comment.approved_by_name != "",
            Comment.state == "visible",
            Comment.is_confidential.is_(False),
            Comment.parent_id.is_(None),
        )
        .group_by(Comment.version_id)
    ).all()
    versions = {
        v.id: v
        for v in db.session.scalars(select(Version).where(Version.id.in_([r[0] for r in rows])))
    }
    return [(versions[vid], int(n)) for vid, n in rows]


def _public_top_level(version: Version) -> Any:
    return (
        Comment.version_id == version.id,
        Comment.state == "visible",
        Comment.is_confidential.is_(False),
        Comment.parent_id.is_(None),
    )


def report_summary(version: Version) -> dict[str, Any]:
    """For the report: organisations that spoke as one (id, name, comments), papers attached."""
    from consult.attachments.models import Attachment

    voices = db.session.execute(
        select(Comment.organisation_id, Comment.organisation_name, func.count(Comment.id))
        .where(*_public_top_level(version), Comment.approved_by_name != "")
        .group_by(Comment.organisation_id, Comment.organisation_name)
        .order_by(Comment.organisation_name)
    ).all()
    papers = db.session.scalar(
        select(func.count(Attachment.id))
        .join(Comment, Comment.id == Attachment.owner_id)
        .where(Attachment.owner_type == OWNER_COMMENT, *_public_top_level(version))
    )
    return {"voices": [tuple(v) for v in voices], "papers": int(papers or 0)}


# --- the 48-hour warning ------------------------------------------------------------------


def warn_unapproved(now: datetime | None = None) -> int:
    """E-mail the drafters of drafts still unapproved 48 hours before their version closes.

    Run by `flask consult send-deadline-reminders`; each draft warns once (reminded_at).
    """
    now = now or utcnow()
    drafts = db.session.scalars(
        select(WorkspaceDraft)
        .join(Version, Version.id == WorkspaceDraft.version_id)
        .where(
            WorkspaceDraft.status == DRAFT_OPEN,
            WorkspaceDraft.reminded_at.is_(None),
            Version.status == "published",
            Version.closes_at > now,
            Version.closes_at <= now + WARNING_BEFORE_CLOSE,
        )
    ).all()
    sent = 0
    for draft in drafts:
        drafters = set(
            db.session.scalars(
                select(WorkspaceDraftChange.user_id).where(
                    WorkspaceDraftChange.draft_id == draft.id
                )
            )
        )
        people = db.session.scalars(
            select(User)
            .join(OrganisationMembership, OrganisationMembership.user_id == User.id)
            .where(
                User.id.in_(drafters),
                OrganisationMembership.organisation_id == draft.organisation_id,
                OrganisationMembership.status == TIE_CONFIRMED,
                User.is_disabled.is_(False),
            )
        ).all()
        version = draft.section.version
        for person in people:
            with force_locale(getattr(person, "locale", None) or "en"):
                outbox.queue_template(
                    person,
                    _l(
                        "Not yet approved: a draft of %(org)s closes on %(title)s v%(n)s",
                        org=draft.organisation.name,
                        title=version.document.title,
                        n=version.number,
                    ),
                    "workspace_unapproved",
                    draft=draft,
                    version=version,
                    organisation=draft.organisation,
                    link=email_url("comments.show_draft", draft_id=draft.id),
                )
            sent += 1
        draft.reminded_at = now
    db.session.flush()
    logger.info("warned %s drafter(s) of unapproved drafts", sent)
    return sent
