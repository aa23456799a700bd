"""Applying a comment's proposed text to the next version with one action (a revision step)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.comments.models import PROPOSAL_PASSAGE, STATE_DELETED, Comment
from consult.drafts import services as drafts
from consult.drafts.models import Section
from consult.extensions import db
from consult.moderation.models import Revision
from consult.moderation.revisions import _require_open, record_change
from consult.moderation.services import ModerationError


class ProposalConflict(ModerationError):
    """A passage proposal whose quoted passage is no longer in the provision's current text."""

    def __init__(self, comment: Comment, section: Section) -> None:
        super().__init__(
            _(
                "The passage quoted by comment #%(id)s is no longer in the current text of "
                "%(title)s: it was edited after the comment was made. Compare the texts "
                "below and edit the provision by hand.",
                id=comment.id,
                title=section.title,
            )
        )
        self.comment = comment
        self.section = section


def _passage_pattern(quote: str) -> re.Pattern[str] | None:
    """The quote's words in order; any whitespace (and emphasis marks) may separate them.

    Quotes are copied from the provision as displayed, so `*documentation* up` in the
    Markdown source must match the quoted `documentation up`.
    """
    words = quote.split()
    if not words:
        return None
    return re.compile(r"[\s*_~`]+".join(re.escape(word) for word in words))


def replace_passage(body: str, quote: str, replacement: str) -> str | None:
    """`body` with the first occurrence of `quote` replaced (whitespace-insensitive), or None."""
    pattern = _passage_pattern(quote)
    if pattern is None:
        return None
    match = pattern.search(body)
    if match is None:
        return None
    return body[: match.start()] + replacement.strip() + body[match.end() :]


def section_for_comment(revision: Revision, comment: Comment) -> Section | None:
    """The provision a base-version comment is about, as it stands in the new version."""
    return db.session.scalars(
        select(Section).where(
            Section.version_id == revision.version_id,
            Section.provision_id == comment.provision_id,
        )
    ).first()


def apply_proposal(revision: Revision, comment: Comment, *, user: User) -> Section:
    """Put a comment's proposed text into the new version with one action, and link it."""
    _require_open(revision)
    if comment.version_id != revision.base_version_id or comment.parent_id is not None:
        raise ModerationError(_("Only top-level comments on the previous version can be applied."))
    if comment.state == STATE_DELETED:
        raise ModerationError(_("Comment #%(id)s was deleted by its author.", id=comment.id))
    proposal = (comment.proposed_text or "").strip()
    if not proposal:
        raise ModerationError(_("Comment #%(id)s proposes no text.", id=comment.id))
    section = section_for_comment(revision, comment)
    if section is None:
        raise ModerationError(
            _(
                "The provision comment #%(id)s is about has been removed from the next "
                "version, so its proposal cannot be applied.",
                id=comment.id,
            )
        )
    if comment.proposal_scope == PROPOSAL_PASSAGE:
        body = replace_passage(section.body, comment.quote, proposal)
        if body is None:
            raise ProposalConflict(comment, section)
    else:
        body = proposal
    drafts.update_section(
        section,
        expected_lock_version=section.lock_version,
        heading=section.heading,
        body=body,
        number=section.number,
        user=user,
    )
    record_change(
        revision,
        section.provision_id,
        comment_ids=[comment.id],
        applied_ids=[comment.id],
        user=user,
    )
    return section
