"""Traceability both ways: where each comment landed, and the comments behind each change."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from consult.comments.models import STATE_DELETED, STATE_VISIBLE, Comment
from consult.core.permissions import can_moderate, can_view
from consult.drafts.models import SECTION_KINDS, Provision, Section, Version
from consult.extensions import db
from consult.moderation.models import Change, ChangeComment, Disposition, Revision
from consult.moderation.services import optional_url, provision_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Landing:
    """A provision of a later version that a comment led to (url None when removed)."""

    label: str
    url: str | None
    applied: bool = False

    def __iter__(self) -> Any:  # unpacks as (label, url) for templates of other domains
        return iter((self.label, self.url))


def section_label(kind: str, number: str, heading: str) -> str:
    name = str(SECTION_KINDS.get(kind) or _("Provision"))
    label = f"{name} {number}".strip()
    return f"{label}: {heading}" if heading else label


def landings_for(
    comment_ids: Iterable[int], user: Any, *, external: bool = False
) -> dict[int, list[Landing]]:
    """For each comment, the provisions of later versions whose change it motivated."""
    ids = list(set(comment_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            ChangeComment.comment_id,
            ChangeComment.applied,
            Version,
            Provision.key,
            Section.kind,
            Section.number,
            Section.heading,
        )
        .join(Change, Change.id == ChangeComment.change_id)
        .join(Revision, Revision.id == Change.revision_id)
        .join(Version, Version.id == Revision.version_id)
        .join(Provision, Provision.id == Change.provision_id)
        .outerjoin(
            Section,
            and_(
                Section.version_id == Revision.version_id,
                Section.provision_id == Change.provision_id,
            ),
        )
        .where(ChangeComment.comment_id.in_(ids))
        .order_by(ChangeComment.comment_id, Version.number, Section.position)
    ).all()
    visible: dict[int, bool] = {}
    result: dict[int, list[Landing]] = {}
    for comment_id, applied, version, key, kind, number, heading in rows:
        if version.id not in visible:
            visible[version.id] = can_view(user, version)
        if not visible[version.id]:
            continue
        slug = version.document.slug
        if kind is None:
            landing = Landing(
                _("Removed in version %(number)s", number=version.number),
                optional_url(
                    "drafts.compare",
                    slug=slug,
                    a=version.number - 1,
                    b=version.number,
                    _external=external,
                    _anchor=key,
                ),
                applied,
            )
        else:
            landing = Landing(
                _(
                    "%(provision)s (version %(number)s)",
                    provision=section_label(kind, number, heading),
                    number=version.number,
                ),
                provision_url(slug, version.number, key, external=external),
                applied,
            )
        result.setdefault(comment_id, []).append(landing)
    return result


def _comment_visibility(user: Any, version: Version) -> Any:
    """Where-clause for comments a viewer may see in lists of reasons (no query per row)."""
    if can_moderate(user, version):
        return Comment.state != STATE_DELETED
    public = and_(Comment.state == STATE_VISIBLE, Comment.is_confidential.is_(False))
    if getattr(user, "is_authenticated", False):
        return or_(public, and_(Comment.author_id == user.id, Comment.state == STATE_VISIBLE))
    return public


def change_reasons_for(version: Version, user: Any) -> dict[int, list[Comment]]:
    """provision_id -> the comments that motivated its change in `version` (from a revision)."""
    revision = db.session.scalars(select(Revision).where(Revision.version_id == version.id)).first()
    if revision is None:
        return {}
    base = revision.base_version
    rows = db.session.execute(
        select(Change.provision_id, Comment)
        .join(ChangeComment, ChangeComment.change_id == Change.id)
        .join(Comment, Comment.id == ChangeComment.comment_id)
        .options(joinedload(Comment.section).joinedload(Section.version))
        .where(Change.revision_id == revision.id, _comment_visibility(user, base))
        .order_by(Change.provision_id, Comment.created_at, Comment.id)
    ).all()
    reasons: dict[int, list[Comment]] = {}
    for provision_id, comment in rows:
        reasons.setdefault(provision_id, []).append(comment)
    return reasons


def public_dispositions(comment_ids: Iterable[int]) -> dict[int, Disposition]:
    """Decided dispositions of these comments (undecided ones and assignments stay internal)."""
    ids = list(set(comment_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Disposition).where(Disposition.comment_id.in_(ids), Disposition.outcome.is_not(None))
    )
    return {d.comment_id: d for d in rows}


def comment_thread_provider(comments: list[Any], user: Any, **_: Any) -> dict[str, Any]:
    """Hook "comment_thread" / "my_comments": each comment's disposition and its landings."""
    ids = [c.id for c in comments if getattr(c, "parent_id", None) is None]
    return {"dispositions": public_dispositions(ids), "landings": landings_for(ids, user)}


def version_page_provider(version: Version, user: Any, **_: Any) -> dict[str, Any]:
    """Hook "version_page": the comments behind each change, and a moderation panel."""
    from consult.moderation.revisions import revision_state

    panel: dict[str, Any] = {"version": version, "document": version.document}
    if can_moderate(user, version):
        panel.update(revision_state(version, user))
        panel["prepared_by"] = db.session.scalars(
            select(Revision).where(Revision.version_id == version.id)
        ).first()
        if version.is_published:
            from consult.moderation.queue import triage_counts

            panel["decisions"] = triage_counts(version)
    return {
        "change_reasons": change_reasons_for(version, user),
        "panels": [("moderation/_version_panel.html", panel)],
    }


def compare_page_provider(old: Version, new: Version, user: Any, **_: Any) -> dict[str, Any]:
    """Hook "compare_page": reasons for the newer version's changes."""
    newer = new if new.number >= old.number else old
    return {"change_reasons": change_reasons_for(newer, user)}
