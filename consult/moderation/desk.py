"""The staff desk: what awaits each moderator and chair, per working group; distributing work."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from consult.comments.models import STATE_DELETED, Comment, CommentReport
from consult.comments.review_models import REVIEW_OPEN, ReviewRequest
from consult.core import audit
from consult.core.permissions import MODERATING_ROLES, is_admin
from consult.db import utcnow
from consult.drafts.models import STATUS_EDITING, Document, Version
from consult.extensions import db
from consult.groups.models import Membership, WorkingGroup
from consult.moderation.models import REVISION_OPEN, Disposition, Revision
from consult.moderation.services import assign_comments, is_frozen, moderators_of

CLOSING_DAYS = 7


@dataclass
class VersionLine:
    version: Version
    document: Document
    undecided: int = 0
    mine: int = 0
    unassigned: int = 0
    closing_soon: bool = False


@dataclass
class GroupDesk:
    group: WorkingGroup
    versions: list[VersionLine] = field(default_factory=list)
    open_reports: int = 0
    review_requests: list[int] = field(default_factory=list)  # comment ids, oldest first
    join_requests: int = 0
    revisions: list[tuple[Revision, Document, Version]] = field(default_factory=list)

    @property
    def closing(self) -> list[VersionLine]:
        return [line for line in self.versions if line.closing_soon]


def _groups(user: Any) -> list[WorkingGroup]:
    stmt = select(WorkingGroup).order_by(WorkingGroup.name)
    if not is_admin(user):
        ids = [
            m.group_id
            for m in user.memberships
            if m.status == "approved" and m.role in MODERATING_ROLES
        ]
        stmt = stmt.where(WorkingGroup.id.in_(ids or [0]))
    return list(db.session.scalars(stmt))


def desk_for(user: Any) -> list[GroupDesk]:
    """One block per group the user moderates (every group for admins); six queries in all."""
    groups = _groups(user)
    desks = {g.id: GroupDesk(g) for g in groups}
    if not desks:
        return []
    group_ids = list(desks)
    now = utcnow()
    versions: Any = db.session.execute(
        select(Version, Document)
        .join(Document, Document.id == Version.document_id)
        .where(Document.group_id.in_(group_ids), Version.status != STATUS_EDITING)
        .order_by(Document.title, Version.number)
    ).all()
    # Only the latest published version of each document takes dispositions: an earlier
    # one is frozen once its successor is published (and counting it would scan its comments).
    latest: dict[int, tuple[Version, Document]] = {}
    for version, document in versions:
        if (
            version.document_id not in latest
            or version.number > latest[version.document_id][0].number
        ):
            latest[version.document_id] = (version, document)
    versions = sorted(latest.values(), key=lambda vd: (vd[1].title, vd[0].number))
    lines = {v.id: VersionLine(v, d) for v, d in versions}
    undecided = Disposition.outcome.is_(None)
    counts = db.session.execute(
        select(
            Comment.version_id,
            func.count(Comment.id),
            func.sum(case((Disposition.assignee_id == user.id, 1), else_=0)),
            func.sum(case((Disposition.assignee_id.is_(None), 1), else_=0)),
        )
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(
            Comment.version_id.in_(list(lines) or [0]),
            Comment.parent_id.is_(None),
            Comment.state != STATE_DELETED,
            undecided,
        )
        .group_by(Comment.version_id)
    ).all()
    for version_id, total, mine, unassigned in counts:
        line = lines[version_id]
        line.undecided, line.mine, line.unassigned = (
            int(total),
            int(mine or 0),
            int(unassigned or 0),
        )
    for version, document in versions:
        line = lines[version.id]
        closes = version.closes_at
        line.closing_soon = closes is not None and now <= closes <= now + timedelta(CLOSING_DAYS)
        if line.undecided or line.closing_soon:
            desks[document.group_id].versions.append(line)
    for group_id, n in db.session.execute(
        select(Document.group_id, func.count(CommentReport.id))
        .join(Comment, Comment.id == CommentReport.comment_id)
        .join(Version, Version.id == Comment.version_id)
        .join(Document, Document.id == Version.document_id)
        .where(CommentReport.status == "open", Document.group_id.in_(group_ids))
        .group_by(Document.group_id)
    ):
        desks[group_id].open_reports = int(n)
    for group_id, comment_id in db.session.execute(
        select(Document.group_id, ReviewRequest.comment_id)
        .join(Comment, Comment.id == ReviewRequest.comment_id)
        .join(Version, Version.id == Comment.version_id)
        .join(Document, Document.id == Version.document_id)
        .where(ReviewRequest.status == REVIEW_OPEN, Document.group_id.in_(group_ids))
        .order_by(ReviewRequest.created_at)
        .limit(100)
    ):
        desks[group_id].review_requests.append(comment_id)
    for group_id, n in db.session.execute(
        select(Membership.group_id, func.count(Membership.id))
        .where(Membership.status == "requested", Membership.group_id.in_(group_ids))
        .group_by(Membership.group_id)
    ):
        desks[group_id].join_requests = int(n)
    for revision, document, version in db.session.execute(
        select(Revision, Document, Version)
        .join(Document, Document.id == Revision.document_id)
        .join(Version, Version.id == Revision.version_id)
        .where(Revision.status == REVISION_OPEN, Document.group_id.in_(group_ids))
        .order_by(Document.title)
    ):
        desks[document.group_id].revisions.append((revision, document, version))
    return list(desks.values())


def plan_distribution(
    loads: dict[int, int], provisions: dict[int, list[int]]
) -> dict[int, list[int]]:
    """{moderator id: comment ids}: whole provisions, largest first, to the least loaded."""
    shares: dict[int, list[int]] = defaultdict(list)
    load = dict(loads)
    for _provision, ids in sorted(provisions.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        person = min(load, key=lambda p: (load[p], p))
        shares[person].extend(ids)
        load[person] += len(ids)
    return dict(shares)


def distribute(version: Version, *, user: Any) -> dict[int, int]:
    """Give the version's unassigned undecided comments to its moderators in balanced shares.

    A provision's comments go to one person; people who already hold undecided comments of
    this version get fewer. Each assignment is audited, and the whole as one event.
    """
    from consult.moderation.services import ModerationError

    if is_frozen(version):
        raise ModerationError(_("The dispositions of this version are final."))
    people = {m.id: m for m in moderators_of(version)}
    if not people:
        raise ModerationError(_("This working group has no moderators to distribute to."))
    rows = db.session.execute(
        select(Comment.id, Comment.provision_id, Disposition.assignee_id)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(
            Comment.version_id == version.id,
            Comment.parent_id.is_(None),
            Comment.state != STATE_DELETED,
            Disposition.outcome.is_(None),
        )
    ).all()
    loads = dict.fromkeys(people, 0)
    provisions: dict[int, list[int]] = defaultdict(list)
    for comment_id, provision_id, assignee_id in rows:
        if assignee_id is None:
            provisions[provision_id].append(comment_id)
        elif assignee_id in loads:
            loads[assignee_id] += 1
    if not provisions:
        raise ModerationError(_("Every undecided comment of this version is already assigned."))
    plan = plan_distribution(loads, provisions)
    comments = {
        c.id: c
        for c in db.session.scalars(
            select(Comment).where(Comment.id.in_([i for ids in plan.values() for i in ids]))
        )
    }
    for person_id, ids in plan.items():
        assign_comments(
            [comments[i] for i in ids], assignee=people[person_id], user=user, version=version
        )
    result = {person_id: len(ids) for person_id, ids in plan.items()}
    audit.record(
        user,
        "desk.distribute",
        version,
        ", ".join(f"{people[p].display_name}: {n}" for p, n in result.items()),
        after={str(p): n for p, n in result.items()},
    )
    db.session.flush()
    return result
