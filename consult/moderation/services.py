"""Dispositions of comments: record, revise, assign, in bulk (the queue itself: queue.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from consult.accounts.models import User
from consult.comments.models import STATE_DELETED, Comment
from consult.comments.services import lock_comment
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.permissions import MODERATING_ROLES, can_moderate
from consult.core.urls import email_url
from consult.db import utcnow
from consult.drafts.models import STATUS_EDITING, Section, Version
from consult.extensions import db
from consult.groups.models import STATUS_APPROVED, Membership
from consult.moderation.models import N_, OUTCOMES, Disposition, DispositionRecord

logger = logging.getLogger(__name__)

DUPLICATE = "duplicate"
FROZEN_MESSAGE = N_(
    "The next version has been published, so the dispositions of this version's comments "
    "are final and can no longer be changed."
)
DECIDED_FROZEN_MESSAGE = N_(
    "The next version has been published, so this comment's disposition is final and can no "
    "longer be changed."
)


class ModerationError(Exception):
    """A refused moderation action; the message is shown to the user, `field` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- links -------------------------------------------------------------------------------


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute URL (the request's host, or BASE_URL outside a request)."""
    return email_url(endpoint, **values)


def optional_url(endpoint: str, **values: Any) -> str | None:
    """A URL of another domain's page, or None while that page is not registered."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def provision_url(slug: str, number: int, key: str, *, external: bool = False) -> str:
    """The provision page of a version (comments domain), with a safe fallback while absent."""
    values: dict[str, Any] = {"slug": slug, "number": number, "key": key}
    try:
        if external:
            return absolute_url("comments.show_provision", **values)
        return url_for("comments.show_provision", **values)
    except BuildError:  # the comments blueprint not registered (isolated tests of this domain)
        return url_for("moderation.report", slug=slug, number=number) + f"#provision-{key}"


def comment_url(comment: Comment, *, external: bool = False) -> str:
    section = comment.section
    version = section.version
    base = provision_url(
        version.document.slug, version.number, section.provision.key, external=external
    )
    return f"{base}#comment-{comment.id}"


# --- state of a version --------------------------------------------------------------------


def is_frozen(version: Version) -> bool:
    """True once a later version of the document is published: its dispositions are final."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Version.document_id == version.document_id,
                    Version.number > version.number,
                    Version.status != STATUS_EDITING,
                )
            )
        )
    )


def moderators_of(version: Version) -> list[User]:
    """Moderators, vice-chairs and chairs of the version's group (assignable people)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == version.document.group_id,
                Membership.status == STATUS_APPROVED,
                Membership.role.in_(MODERATING_ROLES),
                User.is_disabled.is_(False),
            )
            .order_by(User.display_name, User.id)
        ).unique()
    )


# --- dispositions --------------------------------------------------------------------------


def dispositions_by_comment(comment_ids: Iterable[int]) -> dict[int, Disposition]:
    ids = list(set(comment_ids))
    if not ids:
        return {}
    rows = db.session.scalars(select(Disposition).where(Disposition.comment_id.in_(ids)))
    return {d.comment_id: d for d in rows}


def _disposition_for(comment: Comment, known: dict[int, Disposition] | None = None) -> Disposition:
    found = (known or {}).get(comment.id)
    if found is None:
        found = db.session.scalars(
            select(Disposition).where(Disposition.comment_id == comment.id)
        ).first()
    if found is None:
        found = Disposition(comment_id=comment.id, comment=comment)
        db.session.add(found)
        db.session.flush()
    return found


def check_answerable(comment: Comment, known: dict[int, Disposition] | None = None) -> None:
    """Only top-level, undeleted comments; once the next version is out, a decision is final,
    but a comment left undecided can still be answered (late, and marked so in the report)."""
    if comment.parent_id is not None:
        raise ModerationError(_("Only top-level comments get a disposition; replies do not."))
    if comment.state == STATE_DELETED:
        raise ModerationError(_("Comment #%(id)s was deleted by its author.", id=comment.id))
    if is_frozen(comment.section.version):
        found = (known or {}).get(comment.id)
        if found is None:
            found = db.session.scalars(
                select(Disposition).where(Disposition.comment_id == comment.id)
            ).first()
        if found is not None and found.outcome is not None:
            raise ModerationError(_(DECIDED_FROZEN_MESSAGE))


def _check_duplicate_target(comment: Comment, duplicate_of_id: int | None) -> Comment:
    if not duplicate_of_id:
        raise ModerationError(
            _("Enter the number of the comment this one duplicates."), field="duplicate_of"
        )
    if duplicate_of_id == comment.id:
        raise ModerationError(_("A comment cannot be a duplicate of itself."), field="duplicate_of")
    target = db.session.get(Comment, duplicate_of_id)
    if target is None or target.version_id != comment.version_id:
        raise ModerationError(
            _("There is no comment #%(id)s on this version.", id=duplicate_of_id),
            field="duplicate_of",
        )
    if target.parent_id is not None:
        raise ModerationError(
            _(
                "Comment #%(id)s is a reply; pick the top-level comment it answers.",
                id=duplicate_of_id,
            ),
            field="duplicate_of",
        )
    if target.state == STATE_DELETED:
        raise ModerationError(
            _("Comment #%(id)s was deleted; pick another.", id=duplicate_of_id),
            field="duplicate_of",
        )
    target_disposition = db.session.scalars(
        select(Disposition).where(Disposition.comment_id == target.id)
    ).first()
    if (
        target_disposition is not None
        and target_disposition.outcome == DUPLICATE
        and target_disposition.duplicate_of_id
    ):
        raise ModerationError(
            _(
                "Comment #%(id)s is itself a duplicate of comment #%(original)s; mark this one "
                "as a duplicate of that.",
                id=target.id,
                original=target_disposition.duplicate_of_id,
            ),
            field="duplicate_of",
        )
    return target


def _snapshot(disposition: Disposition) -> dict[str, Any]:
    return {
        "outcome": disposition.outcome,
        "rationale": disposition.rationale,
        "duplicate_of_id": disposition.duplicate_of_id,
    }


def set_disposition(
    comment: Comment,
    *,
    outcome: str,
    rationale: str,
    user: User,
    duplicate_of_id: int | None = None,
    known: dict[int, Disposition] | None = None,
) -> Disposition:
    """Record (or revise) the answer to a top-level comment; history, audit, author told.

    The comment becomes part of the record (locked against its author's edits), the text it
    had is stored with the decision, and the original of a duplicate is locked too.
    """
    check_answerable(comment, known)
    if outcome not in OUTCOMES:
        raise ModerationError(_("Choose what was done with the comment."), field="outcome")
    rationale = (rationale or "").strip()
    target = None
    if outcome == DUPLICATE:
        target = _check_duplicate_target(comment, duplicate_of_id)
    else:
        duplicate_of_id = None
        if not rationale:
            raise ModerationError(
                _("Explain the decision: a rationale is required (except for duplicates)."),
                field="rationale",
            )
    disposition = _disposition_for(comment, known)
    before = _snapshot(disposition)
    after = {"outcome": outcome, "rationale": rationale, "duplicate_of_id": duplicate_of_id}
    if before == after:
        return disposition  # nothing changed: no history entry, no e-mail
    now = utcnow()
    disposition.outcome = outcome
    disposition.rationale = rationale
    disposition.duplicate_of_id = duplicate_of_id
    disposition.decided_by_id = user.id
    disposition.decided_at = now
    disposition.decided_body = comment.body
    disposition.decided_quote = comment.quote
    disposition.decided_proposed_text = comment.proposed_text
    lock_comment(comment, "disposition")
    if target is not None:
        lock_comment(target, "duplicate")
    db.session.add(
        DispositionRecord(
            comment_id=comment.id,
            outcome=outcome,
            rationale=rationale,
            duplicate_of_id=duplicate_of_id,
            decided_by_id=user.id,
            decided_at=now,
        )
    )
    revised = before["outcome"] is not None
    audit.record(
        user,
        "disposition.set",
        disposition,
        f"Comment #{comment.id} {'revised to' if revised else 'marked'} {OUTCOMES[outcome]}",
        before=before,
        after=after,
    )
    if comment.author_id != user.id:
        outbox.notify(
            comment.author,
            _l(
                "Your comment #%(id)s has been answered: %(outcome)s",
                id=comment.id,
                outcome=_l(OUTCOMES[outcome]),
            ),
            "disposition",
            comment=comment,
            disposition=disposition,
            revised=revised,
            version=comment.section.version,
            comment_link=comment_url(comment, external=True),
        )
    db.session.flush()
    return disposition


def history_of(comment: Comment) -> list[DispositionRecord]:
    return list(
        db.session.scalars(
            select(DispositionRecord)
            .options(joinedload(DispositionRecord.decided_by))
            .where(DispositionRecord.comment_id == comment.id)
            .order_by(DispositionRecord.decided_at.desc(), DispositionRecord.id.desc())
        )
    )


def assign_comments(
    comments: Sequence[Comment], *, assignee: User | None, user: User, version: Version
) -> int:
    """Give comments to a moderator of the group (or take them back with None)."""
    if assignee is not None and not can_moderate(assignee, version):
        raise ModerationError(
            _("%(name)s does not moderate this working group.", name=assignee.display_name),
            field="assignee",
        )
    if not comments:
        raise ModerationError(_("Select at least one comment."), field="comment_ids")
    if is_frozen(version):
        raise ModerationError(_(FROZEN_MESSAGE))
    known = dispositions_by_comment(c.id for c in comments)
    changed = 0
    for comment in comments:
        if comment.parent_id is not None or comment.version_id != version.id:
            raise ModerationError(_("Comment #%(id)s cannot be assigned here.", id=comment.id))
        disposition = _disposition_for(comment, known)
        new_id = assignee.id if assignee else None
        if disposition.assignee_id == new_id:
            continue
        before = {"assignee_id": disposition.assignee_id}
        disposition.assignee_id = new_id
        db.session.flush()
        audit.record(
            user,
            "disposition.assign",
            disposition,
            f"Comment #{comment.id} assigned to {assignee.display_name if assignee else 'nobody'}",
            before=before,
            after={"assignee_id": new_id},
        )
        changed += 1
    db.session.flush()
    return changed


def comments_of_version(version: Version, ids: Iterable[int]) -> list[Comment]:
    """The selected top-level comments of this version (others are ignored), in id order."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(Comment)
            .options(joinedload(Comment.section), joinedload(Comment.author))
            .where(
                Comment.id.in_(wanted),
                Comment.version_id == version.id,
                Comment.parent_id.is_(None),
            )
            .order_by(Comment.id)
        ).unique()
    )


def bulk_set_disposition(
    comments: Sequence[Comment],
    *,
    outcome: str,
    rationale: str,
    user: User,
    duplicate_of_id: int | None = None,
) -> int:
    """The same disposition for every selected comment (all or nothing: any refusal raises)."""
    if not comments:
        raise ModerationError(_("Select at least one comment."), field="comment_ids")
    known = dispositions_by_comment(c.id for c in comments)
    for comment in comments:
        if outcome == DUPLICATE and comment.id == duplicate_of_id:
            raise ModerationError(
                _(
                    "Comment #%(id)s is selected and is also the original; "
                    "untick it or pick another original.",
                    id=comment.id,
                ),
                field="duplicate_of",
            )
        set_disposition(
            comment,
            outcome=outcome,
            rationale=rationale,
            user=user,
            duplicate_of_id=duplicate_of_id,
            known=known,
        )
    return len(comments)


def undecided_comments(version: Version, limit: int = 200) -> list[Comment]:
    """Top-level comments of `version` with no disposition yet (for the publish warning)."""
    return list(
        db.session.scalars(
            select(Comment)
            .outerjoin(Disposition, Disposition.comment_id == Comment.id)
            .join(Section, Section.id == Comment.section_id)
            .options(joinedload(Comment.section))
            .where(
                Comment.version_id == version.id,
                Comment.parent_id.is_(None),
                Comment.state != STATE_DELETED,
                Disposition.outcome.is_(None),
            )
            .order_by(Section.position, Comment.created_at, Comment.id)
            .limit(limit)
        ).unique()
    )


def apply_bulk_action(
    version: Version,
    *,
    action: str,
    comment_ids: Iterable[int],
    user: User,
    outcome: str = "",
    rationale: str = "",
    duplicate_of_id: int | None = None,
    assignee_id: int | None = None,
) -> str:
    """One triage action on the selected comments of a version; returns what was done."""
    comments = comments_of_version(version, comment_ids)
    if not comments:
        raise ModerationError(
            _("Select at least one comment of this version."), field="comment_ids"
        )
    if action == "assign":
        assignee = db.session.get(User, assignee_id) if assignee_id else None
        if assignee_id and assignee is None:
            raise ModerationError(_("Choose a moderator from the list."), field="assignee")
        changed = assign_comments(comments, assignee=assignee, user=user, version=version)
        if assignee is None:
            return _("%(count)s comment(s) assigned to nobody.", count=changed)
        return _(
            "%(count)s comment(s) assigned to %(name)s.", count=changed, name=assignee.display_name
        )
    if action == "duplicate":
        count = bulk_set_disposition(
            comments,
            outcome=DUPLICATE,
            rationale=rationale,
            user=user,
            duplicate_of_id=duplicate_of_id,
        )
        return _(
            "%(count)s comment(s) marked as duplicates of comment #%(id)s.",
            count=count,
            id=duplicate_of_id,
        )
    if action == "dispose":
        count = bulk_set_disposition(comments, outcome=outcome, rationale=rationale, user=user)
        label = OUTCOMES.get(outcome)
        return _(
            "%(count)s comment(s) marked %(outcome)s.",
            count=count,
            outcome=_(label) if label else outcome,
        )
    raise ModerationError(_("Choose an action."), field="action")
