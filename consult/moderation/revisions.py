"""Revisions: preparing version N+1 from N, each change linked to the comments behind it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.comments.models import STATE_DELETED, Comment
from consult.comments.services import lock_comment
from consult.core import audit
from consult.core.numbers import bounded_int
from consult.core.permissions import can_moderate
from consult.db import utcnow
from consult.drafts import services as drafts
from consult.drafts.models import STATUS_EDITING, STATUS_PUBLISHED, Section, Version
from consult.extensions import db
from consult.moderation.models import (
    REVISION_OPEN,
    REVISION_PUBLISHED,
    Change,
    ChangeComment,
    Revision,
)
from consult.moderation.services import ModerationError, undecided_comments

logger = logging.getLogger(__name__)


class UndecidedComments(ModerationError):
    """Publishing with top-level comments of the base version still undecided, unconfirmed."""

    def __init__(self, comments: list[Comment]) -> None:
        super().__init__(
            _(
                "%(count)s comment(s) on the previous version have no disposition yet. "
                "Record them, or tick 'publish anyway'.",
                count=len(comments),
            ),
            field="publish_anyway",
        )
        self.comments = comments


# --- opening -------------------------------------------------------------------------------


def revision_based_on(version: Version) -> Revision | None:
    """The revision (open or published) that prepares the version after `version`."""
    return db.session.scalars(
        select(Revision)
        .options(joinedload(Revision.version))
        .where(Revision.base_version_id == version.id)
        .order_by(Revision.id.desc())
    ).first()


def _editing_successor(version: Version) -> Version | None:
    return next(
        (v for v in drafts.versions_of(version.document) if v.status == STATUS_EDITING), None
    )


def refusal_to_open(version: Version) -> str | None:
    """Why no revision can be opened on `version` now, or None."""
    if version.status != STATUS_PUBLISHED:
        return _("Version %(number)s is not the current published version.", number=version.number)
    for other in drafts.versions_of(version.document):
        if other.number <= version.number:
            continue
        if other.status != STATUS_EDITING or other.based_on_id != version.id:
            return _("A newer version of this document already exists.")
    return None


def revision_state(version: Version, user: Any) -> dict[str, Any]:
    """For buttons and links: the revision based on this version, and whether one may open."""
    revision = revision_based_on(version)
    may_open = revision is None and can_moderate(user, version) and refusal_to_open(version) is None
    return {"revision": revision, "can_open_revision": may_open}


def open_revision(version: Version, *, user: User) -> Revision:
    """Start version N+1 as an editing copy of published version N, in a new workspace."""
    refusal = refusal_to_open(version)
    if refusal:
        raise ModerationError(refusal)
    if revision_based_on(version) is not None:
        raise ModerationError(
            _("A revision of version %(number)s is already open.", number=version.number)
        )
    # A next version already started from the drafts pages is adopted, not duplicated.
    new = _editing_successor(version)
    if new is None:
        try:
            new = drafts.start_version(version.document, user=user)
        except drafts.DraftError as error:
            raise ModerationError(str(error)) from error
    revision = Revision(
        document_id=version.document_id,
        base_version_id=version.id,
        version_id=new.id,
        created_by_id=user.id,
        status=REVISION_OPEN,
    )
    db.session.add(revision)
    db.session.flush()
    audit.record(
        user,
        "revision.open",
        revision,
        f"Revision of version {version.number} preparing version {new.number}",
    )
    return revision


def _require_open(revision: Revision) -> None:
    if revision.status != REVISION_OPEN:
        raise ModerationError(
            _(
                "Version %(number)s has been published: its changes and the "
                "comments behind them are frozen.",
                number=revision.version.number,
            )
        )


# --- the comments behind a change ----------------------------------------------------------

_IDS = re.compile(r"^[\s,;#0-9]*$")


def parse_comment_numbers(text: str | None) -> list[int]:
    """'#12, 57 103' -> [12, 57, 103]; anything else is refused with a clear message."""
    if not text or not text.strip():
        return []
    if not _IDS.match(text):
        raise ModerationError(
            _("Enter comment numbers separated by commas, e.g. 1204, 1310."),
            field="other_comments",
        )
    numbers = [bounded_int(n) for n in re.findall(r"\d+", text)]
    if None in numbers:
        raise ModerationError(_("There is no comment with that number."), field="other_comments")
    return [n for n in numbers if n is not None]


def _base_comments(revision: Revision, ids: Iterable[int]) -> list[Comment]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = list(
        db.session.scalars(
            select(Comment).where(
                Comment.id.in_(wanted),
                Comment.version_id == revision.base_version_id,
                Comment.parent_id.is_(None),
                Comment.state != STATE_DELETED,
            )
        )
    )
    missing = sorted(set(wanted) - {c.id for c in found})
    if missing:
        numbers = ", ".join(f"#{n}" for n in missing)
        raise ModerationError(
            _(
                "Not top-level comments on version %(number)s: %(numbers)s.",
                number=revision.base_version.number,
                numbers=numbers,
            ),
            field="other_comments",
        )
    return found


def record_change(
    revision: Revision,
    provision_id: int,
    *,
    comment_ids: Iterable[int] = (),
    note: str = "",
    user: User,
    applied_ids: Iterable[int] = (),
) -> Change | None:
    """Link the comments (and an optional note) behind a provision's change in a revision."""
    _require_open(revision)
    applied = set(applied_ids)
    comments = _base_comments(revision, set(comment_ids) | applied)
    note = (note or "").strip()
    change = db.session.scalars(
        select(Change).where(Change.revision_id == revision.id, Change.provision_id == provision_id)
    ).first()
    if change is None:
        if not comments and not note:
            return None
        change = Change(revision_id=revision.id, provision_id=provision_id, created_by_id=user.id)
        db.session.add(change)
        db.session.flush()
    if note:
        change.note = note
    linked = {
        link.comment_id: link
        for link in db.session.scalars(
            select(ChangeComment).where(ChangeComment.change_id == change.id)
        )
    }
    added = []
    for comment in comments:
        link = linked.get(comment.id)
        if link is None:
            link = ChangeComment(
                change_id=change.id,
                comment_id=comment.id,
                applied=comment.id in applied,
                created_at=utcnow(),
                created_by_id=user.id,
            )
            db.session.add(link)
            added.append(comment.id)
            lock_comment(comment, "change")
        elif comment.id in applied:
            link.applied = True
    db.session.flush()
    if added or note:
        audit.record(
            user,
            "revision.change",
            change,
            f"Linked comments {', '.join(f'#{n}' for n in added) or '(none)'}",
            after={"comments": added, "note": note},
        )
    return change


def _section_in(revision: Revision, section: Section) -> None:
    if section.version_id != revision.version_id:
        raise ModerationError(_("This provision is not part of the version being prepared."))


def save_section(
    revision: Revision,
    section: Section,
    *,
    expected_lock_version: int,
    heading: str,
    body: str,
    number: str,
    comment_ids: Iterable[int],
    note: str,
    user: User,
) -> Section:
    """Edit (or renumber) a provision and record why; a stale save raises EditConflict."""
    _require_open(revision)
    _section_in(revision, section)
    drafts.update_section(
        section,
        expected_lock_version=expected_lock_version,
        heading=heading,
        body=body,
        number=number,
        user=user,
    )
    record_change(revision, section.provision_id, comment_ids=comment_ids, note=note, user=user)
    return section


def add_provision(
    revision: Revision,
    *,
    parent: Section | None,
    after: Section | None,
    kind: str,
    number: str,
    heading: str,
    body: str,
    comment_ids: Iterable[int],
    note: str,
    user: User,
) -> Section:
    _require_open(revision)
    section = drafts.add_section(
        revision.version,
        parent=parent,
        after=after,
        kind=kind,
        number=number,
        heading=heading,
        body=body,
        user=user,
    )
    record_change(revision, section.provision_id, comment_ids=comment_ids, note=note, user=user)
    return section


def remove_provision(
    revision: Revision, section: Section, *, comment_ids: Iterable[int], note: str, user: User
) -> None:
    _require_open(revision)
    _section_in(revision, section)
    provision_id = section.provision_id
    drafts.remove_section(section, user=user)
    record_change(revision, provision_id, comment_ids=comment_ids, note=note, user=user)


def move_provision(
    revision: Revision,
    section: Section,
    *,
    parent: Section | None,
    after: Section | None,
    comment_ids: Iterable[int],
    note: str,
    user: User,
) -> Section:
    _require_open(revision)
    _section_in(revision, section)
    drafts.move_section(section, parent=parent, after=after, user=user)
    record_change(revision, section.provision_id, comment_ids=comment_ids, note=note, user=user)
    return section


# --- publishing ----------------------------------------------------------------------------


def publish_revision(
    revision: Revision,
    *,
    user: User,
    changelog: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    publish_anyway: bool,
    close_open_window: bool = False,
) -> Version:
    """Publish the prepared version; freezes the revision's links and the base dispositions.

    Group members who asked for it are told by drafts.publish_version (outbox).
    """
    _require_open(revision)
    if not (changelog or "").strip():
        raise ModerationError(_("Write the changelog: what changed and why."), field="changelog")
    undecided = undecided_comments(revision.base_version)
    if undecided and not publish_anyway:
        raise UndecidedComments(undecided)
    try:
        version = drafts.publish_version(
            revision.version,
            user=user,
            changelog=changelog,
            opens_at=opens_at,
            closes_at=closes_at,
            close_open_window=close_open_window,
        )
    except drafts.DraftError as error:
        raise ModerationError(str(error), field=error.field) from error
    revision.status = REVISION_PUBLISHED
    db.session.flush()
    audit.record(
        user,
        "revision.publish",
        revision,
        f"Version {version.number} published from version {revision.base_version.number}",
        after={"undecided_comments": len(undecided), "changes": _change_count(revision)},
    )
    return version


def _change_count(revision: Revision) -> int:
    return len(db.session.scalars(select(Change.id).where(Change.revision_id == revision.id)).all())
