"""Read-side helpers of the drafts domain: each a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import contains_eager

from consult.core import audit, permissions
from consult.db import utcnow
from consult.drafts.diff import Comparison, compare_sections
from consult.drafts.models import (
    STATUS_EDITING,
    STATUS_PUBLISHED,
    VISIBILITY_PUBLIC,
    Document,
    Provision,
    ProvisionKey,
    Section,
    Version,
)
from consult.extensions import db


def sections_of(version: Version) -> list[Section]:
    """Every section of a version in document order (one query, provisions joined)."""
    return list(
        db.session.scalars(
            select(Section).where(Section.version_id == version.id).order_by(Section.position)
        )
    )


def resolve_provision(document: Document, key: str) -> Provision | None:
    """The provision a URL key names: its current key, or any key it had before."""
    provision = db.session.scalars(
        select(Provision).where(Provision.document_id == document.id, Provision.key == key)
    ).first()
    if provision is not None:
        return provision
    return db.session.scalars(
        select(Provision)
        .join(ProvisionKey, ProvisionKey.provision_id == Provision.id)
        .where(ProvisionKey.document_id == document.id, ProvisionKey.key == key)
    ).first()


def version_ids_with(provision: Provision) -> set[int]:
    """Ids of the versions that contain a section of this provision."""
    return set(
        db.session.scalars(select(Section.version_id).where(Section.provision_id == provision.id))
    )


def versions_of(document: Document) -> list[Version]:
    return list(
        db.session.scalars(
            select(Version).where(Version.document_id == document.id).order_by(Version.number)
        )
    )


def latest_visible_version(document: Document, user: Any) -> Version | None:
    """The newest version `user` may read (chairs and moderators also see the one in editing)."""
    for version in reversed(versions_of(document)):
        if permissions.can_view(user, version):
            return version
    return None


def get_version(document: Document, number: int) -> Version | None:
    return db.session.scalars(
        select(Version).where(Version.document_id == document.id, Version.number == number)
    ).first()


def publishable_groups(user: Any) -> list[Any]:
    """Working groups in which `user` may create documents (chairs, vice-chairs; admins: all)."""
    from consult.groups.models import WorkingGroup

    stmt = select(WorkingGroup).order_by(WorkingGroup.position, WorkingGroup.name)
    if not permissions.is_admin(user):
        if not getattr(user, "is_active", False):
            return []
        ids = [
            m.group_id
            for m in (getattr(user, "memberships", None) or [])
            if m.status == "approved" and m.role in permissions.CHAIR_ROLES
        ]
        if not ids:
            return []
        stmt = stmt.where(WorkingGroup.id.in_(ids))
    return list(db.session.scalars(stmt))


def get_document(slug: str) -> Document | None:
    return db.session.scalars(select(Document).where(Document.slug == slug)).first()


def compare_versions(old: Version, new: Version) -> Comparison:
    """Align two versions by provision identity (two queries, whatever their size)."""
    return compare_sections(old, new, sections_of(old), sections_of(new))


def visible_documents_clause(user: Any) -> ColumnElement[bool]:
    """Where-clause on Document: public ones, plus members-only ones of the user's groups."""
    if permissions.is_admin(user):
        return true()
    group_ids = [
        m.group_id
        for m in (getattr(user, "memberships", None) or [])
        if m.status == "approved" and getattr(user, "is_active", False)
    ]
    members = Document.group_id.in_(group_ids) if group_ids else false()
    return or_(Document.visibility == VISIBILITY_PUBLIC, members)


def _published_versions(user: Any) -> Any:
    return (
        select(Version)
        .join(Version.document)
        .options(contains_eager(Version.document))
        .where(Version.status != STATUS_EDITING, visible_documents_clause(user))
    )


@dataclass
class Home:
    open_versions: list[Version] = field(default_factory=list)
    upcoming: list[Version] = field(default_factory=list)
    recent: list[Version] = field(default_factory=list)
    in_editing: list[Version] = field(default_factory=list)


def home_data(user: Any, now: datetime | None = None) -> Home:
    """Open consultations (soonest deadline first), upcoming ones, recent and draft versions."""
    now = now or utcnow()
    home = Home()
    current = _published_versions(user).where(Version.status == STATUS_PUBLISHED)
    home.open_versions = list(
        db.session.scalars(
            current.where(
                Version.opens_at <= now,
                or_(Version.closes_at.is_(None), Version.closes_at > now),
            ).order_by(Version.closes_at.is_(None), Version.closes_at, Document.title)
        ).unique()
    )
    home.upcoming = list(
        db.session.scalars(current.where(Version.opens_at > now).order_by(Version.opens_at))
    )
    home.recent = list(
        db.session.scalars(
            _published_versions(user).order_by(Version.published_at.desc()).limit(8)
        ).unique()
    )
    group_ids = [
        m.group_id
        for m in (getattr(user, "memberships", None) or [])
        if m.status == "approved" and m.role in permissions.MODERATING_ROLES
    ]
    if permissions.is_admin(user) or group_ids:
        editing = (
            select(Version)
            .join(Version.document)
            .options(contains_eager(Version.document))
            .where(Version.status == STATUS_EDITING)
            .order_by(Document.title)
        )
        if not permissions.is_admin(user):
            editing = editing.where(Document.group_id.in_(group_ids))
        home.in_editing = list(db.session.scalars(editing).unique())
    return home


def documents_of_group(group: Any, user: Any) -> list[tuple[Document, Version | None]]:
    """The documents of a group the user may see, each with its current published version."""
    documents = list(
        db.session.scalars(
            select(Document)
            .where(Document.group_id == group.id, visible_documents_clause(user))
            .order_by(Document.position, Document.title)
        )
    )
    if not documents:
        return []
    latest: dict[int, Version] = {}
    for version in db.session.scalars(
        select(Version)
        .where(Version.document_id.in_([d.id for d in documents]), Version.status != STATUS_EDITING)
        .order_by(Version.number)
    ):
        latest[version.document_id] = version
    return [(document, latest.get(document.id)) for document in documents]


def window_history(version: Version) -> list[tuple[Any, Any]]:
    """(audit event, actor) for every change of the consultation window, oldest first."""
    from consult.accounts.models import User

    events = [
        e
        for e in audit.events_for(version, "version.")
        if e.action in {"version.publish", "version.window"}
    ]
    ids = {e.actor_id for e in events if e.actor_id}
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    )
    return [(e, users.get(e.actor_id) if e.actor_id else None) for e in events]


@dataclass
class Node:
    section: Section
    children: list[Node] = field(default_factory=list)


def section_tree(sections: list[Section]) -> list[Node]:
    """Nest a version's sections (document order) for the table of contents."""
    nodes = {s.id: Node(s) for s in sections}
    roots: list[Node] = []
    for section in sections:
        parent = nodes.get(section.parent_id) if section.parent_id else None
        (parent.children if parent else roots).append(nodes[section.id])
    return roots


def subtree_ids(sections: list[Section], root: Section) -> set[int]:
    """Ids of `root` and every section below it."""
    ids = {root.id}
    for section in sections:  # document order: parents come before their children
        if section.parent_id in ids:
            ids.add(section.id)
    return ids
