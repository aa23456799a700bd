"""State changes of the drafts domain: documents, import, editing, publishing, windows.

Services flush and never commit. Published versions are immutable: every function here
checks first (PublishedVersionError, a clear message) and an ORM listener in models.py
refuses anything that slips through.
"""

from __future__ import annotations

import logging
import re
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from consult.core import audit
from consult.db import utcnow
from consult.drafts.errors import DraftError, EditConflict, ImportErrors, PublishedVersionError
from consult.drafts.importer import MAX_HEADING, derive_key, number_error, parse_markdown
from consult.drafts.keys import claim_key, new_provision
from consult.drafts.models import (
    SECTION_KINDS,
    STATUS_EDITING,
    VISIBILITIES,
    Document,
    Provision,
    Section,
    Version,
)
from consult.drafts.publishing import (
    open_predecessor,
    publish_version,
    require_editing,
    set_window,
)
from consult.drafts.queries import (
    compare_versions,
    latest_visible_version,
    resolve_provision,
    sections_of,
    subtree_ids,
    versions_of,
)
from consult.extensions import db

__all__ = [
    "DraftError",
    "EditConflict",
    "ImportErrors",
    "PublishedVersionError",
    "add_section",
    "compare_versions",
    "create_document",
    "import_markdown",
    "latest_visible_version",
    "move_section",
    "open_predecessor",
    "publish_version",
    "remove_section",
    "resolve_provision",
    "sections_of",
    "set_window",
    "start_version",
    "subtree_ids",
    "update_section",
    "versions_of",
]

logger = logging.getLogger(__name__)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"new"}


# --- documents -----------------------------------------------------------------------------


def create_document(
    group: Any, *, slug: str, title: str, summary: str, visibility: str, user: Any
) -> Document:
    slug = slug.strip().lower()
    if not SLUG.match(slug) or slug in RESERVED_SLUGS or len(slug) > 80:
        raise DraftError(
            _("Use lower-case letters, digits and hyphens for the address, e.g. 'transparency'."),
            field="slug",
        )
    if db.session.scalars(select(Document.id).where(Document.slug == slug)).first():
        raise DraftError(
            _("The address '%(slug)s' is already used by another document.", slug=slug),
            field="slug",
        )
    if visibility not in VISIBILITIES:
        raise DraftError(_("Choose who may read the document."), field="visibility")
    if not title.strip():
        raise DraftError(_("Enter a title."), field="title")
    position = db.session.scalar(
        select(func.count(Document.id)).where(Document.group_id == group.id)
    )
    document = Document(
        group=group,
        slug=slug,
        title=title.strip(),
        summary=summary.strip(),
        visibility=visibility,
        position=position or 0,
        created_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(user, "document.create", document, summary=document.title)
    return document


def _editing_version(document: Document) -> Version | None:
    return next((v for v in versions_of(document) if v.status == STATUS_EDITING), None)


def _next_number(document: Document) -> int:
    return (db.session.scalar(
        select(func.max(Version.number)).where(Version.document_id == document.id)
    ) or 0) + 1  # fmt: skip


# --- import and new versions ---------------------------------------------------------------


def import_markdown(document: Document, text: str, *, user: Any) -> Version:
    """Create version 1 (or the next editing version) from Markdown; refuse with line numbers."""
    parsed = parse_markdown(text)  # raises ImportErrors before anything is stored
    if _editing_version(document) is not None:
        raise DraftError(
            _("A version of this document is already being edited: edit it or publish it first.")
        )
    latest = next((v for v in reversed(versions_of(document)) if v.is_published), None)
    version = Version(
        document=document,
        number=_next_number(document),
        based_on_id=latest.id if latest else None,
        created_by_id=user.id,
    )
    db.session.add(version)
    db.session.flush()
    existing = {
        p.key: p
        for p in db.session.scalars(select(Provision).where(Provision.document_id == document.id))
    }
    created: list[Section] = []
    for position, item in enumerate(parsed):
        provision = existing.get(item.key)
        if provision is None:
            provision = new_provision(document, version, item.kind, item.key)
        section = Section(
            version=version,
            provision=provision,
            parent=created[item.parent] if item.parent is not None else None,
            position=position,
            depth=item.depth,
            kind=item.kind,
            number=item.number,
            heading=item.heading,
            body=item.body,
            updated_at=utcnow(),
            updated_by_id=user.id,
        )
        db.session.add(section)
        created.append(section)
    db.session.flush()
    audit.record(
        user, "version.import", version, summary=f"Imported {len(created)} sections from Markdown"
    )
    return version


def start_version(document: Document, *, user: Any) -> Version:
    """A new editing version copying the latest published one; provisions keep their identity."""
    if _editing_version(document) is not None:
        raise DraftError(_("A version of this document is already being edited."))
    base = next((v for v in reversed(versions_of(document)) if v.is_published), None)
    if base is None:
        raise DraftError(_("Publish a first version before starting the next one."))
    version = Version(
        document=document,
        number=_next_number(document),
        based_on_id=base.id,
        created_by_id=user.id,
    )
    db.session.add(version)
    db.session.flush()
    copies: dict[int, Section] = {}
    for old in sections_of(base):
        copy = Section(
            version=version,
            provision_id=old.provision_id,
            parent=copies.get(old.parent_id) if old.parent_id else None,
            position=old.position,
            depth=old.depth,
            kind=old.kind,
            number=old.number,
            heading=old.heading,
            body=old.body,
            updated_at=utcnow(),
            updated_by_id=user.id,
        )
        copies[old.id] = copy
        db.session.add(copy)
    db.session.flush()
    audit.record(user, "version.start", version, summary=f"Based on version {base.number}")
    return version


# --- editing sections ----------------------------------------------------------------------


def _check_text(kind: str, number: str, heading: str, parent: Section | None) -> None:
    problem = number_error(kind, number)
    if problem:
        raise DraftError(problem, field="number")
    if len(heading) > MAX_HEADING:
        raise DraftError(
            _("The heading is longer than %(max)s characters.", max=MAX_HEADING), field="heading"
        )
    in_commitment = kind == "measure" and parent is not None and parent.kind == "commitment"
    if in_commitment and parent is not None and number.split(".")[0] != parent.number:
        raise DraftError(
            _(
                "This measure is in Commitment %(number)s: its number must start with "
                "'%(number)s.'.",
                number=parent.number,
            ),
            field="number",
        )


def _renumber(section: Section, number: str, version: Version) -> None:
    parent_key = section.parent.provision.key if section.parent is not None else None
    new_key = derive_key(section.kind, number, section.heading, parent_key)
    claim_key(section.provision, new_key, version)
    section.number = number


def update_section(
    section: Section,
    *,
    expected_lock_version: int,
    heading: str,
    body: str,
    number: str,
    user: Any,
) -> Section:
    """Save a section's text; a stale copy raises EditConflict instead of overwriting."""
    version = section.version
    section_id = section.id
    require_editing(version)
    heading, number = heading.strip(), number.strip()
    attempted = {"heading": heading, "body": body, "number": number}
    if section.lock_version != expected_lock_version:
        raise EditConflict(section, attempted)
    _check_text(section.kind, number, heading, section.parent)
    before = {"number": section.number, "heading": section.heading}
    user_id = user.id
    try:
        if number != section.number:
            old_number = section.number
            _renumber(section, number, version)
            if section.kind == "commitment" and old_number:
                # Measures follow their commitment: Measure 2.3 becomes 3.3 with Commitment 3.
                for child in sections_of(version):
                    if child.parent_id == section.id and child.kind == "measure":
                        prefix, _sep, rest = child.number.partition(".")
                        if prefix == old_number:
                            _renumber(child, f"{number}.{rest}", version)
                            child.updated_at, child.updated_by_id = utcnow(), user_id
        section.heading = heading
        section.body = body
        section.updated_at = utcnow()
        section.updated_by_id = user_id
        db.session.flush()
    except StaleDataError:
        # Someone saved between our read and our write (any flush above may notice it):
        # nothing of this save is kept, and the editor starts again from their text.
        db.session.rollback()
        current = db.session.get(Section, section_id)
        raise EditConflict(current, attempted) from None
    if before != {"number": section.number, "heading": section.heading}:
        audit.record(
            user,
            "section.update",
            section,
            summary=section.title,
            before=before,
            after={"number": section.number, "heading": section.heading},
        )
    return section


def _write_order(version: Version, ordered: list[Section]) -> None:
    """Store positions and depths of a version's sections after an add, move or removal.

    Positions change for many rows at once; they are written with one Core UPDATE so the
    lock_version of untouched sections stays the same (editing one section must not make
    every other open editor conflict).
    """
    depth_of: dict[int, int] = {}
    rows = []
    for position, section in enumerate(ordered):
        depth = depth_of[section.parent_id] + 1 if section.parent_id in depth_of else 0
        depth_of[section.id] = depth
        if (section.position, section.depth) != (position, depth):
            rows.append({"b_id": section.id, "b_position": position, "b_depth": depth})
            set_committed_value(section, "position", position)
            set_committed_value(section, "depth", depth)
    if rows:
        table = cast(Table, Section.__table__)
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(position=bindparam("b_position"), depth=bindparam("b_depth")),
            rows,
        )


def _place(
    ordered: list[Section], moving: list[Section], parent: Section | None, after: Section | None
) -> list[Section]:
    """`ordered` without `moving`, then `moving` inserted as a child of `parent` after `after`."""
    moving_ids = {s.id for s in moving}
    rest = [s for s in ordered if s.id not in moving_ids]
    if after is not None:
        anchor_ids = subtree_ids(rest, after)
        index = max(i for i, s in enumerate(rest) if s.id in anchor_ids) + 1
    elif parent is not None:
        index = next(i for i, s in enumerate(rest) if s.id == parent.id) + 1
    else:
        index = 0
    return rest[:index] + moving + rest[index:]


def _check_place(
    version: Version, parent: Section | None, after: Section | None, moving: set[int]
) -> None:
    if parent is not None and (parent.version_id != version.id or parent.id in moving):
        raise DraftError(
            _("A section cannot be placed inside itself or in another version."), field="parent_id"
        )
    if after is not None:
        if after.version_id != version.id or after.id in moving:
            raise DraftError(
                _("Choose a section of this version to place it after."), field="after_id"
            )
        if after.parent_id != (parent.id if parent is not None else None):
            raise DraftError(
                _("The section to place it after must be directly inside the parent."),
                field="after_id",
            )


def add_section(
    version: Version,
    *,
    parent: Section | None,
    after: Section | None,
    kind: str,
    number: str,
    heading: str,
    body: str,
    user: Any,
) -> Section:
    require_editing(version)
    if kind not in SECTION_KINDS:
        raise DraftError(_("Choose what kind of section this is."), field="kind")
    heading, number = heading.strip(), number.strip()
    if not heading and not number:
        raise DraftError(_("Enter a number or a heading."), field="heading")
    _check_text(kind, number, heading, parent)
    _check_place(version, parent, after, set())
    parent_key = parent.provision.key if parent is not None else None
    provision = new_provision(
        version.document, version, kind, derive_key(kind, number, heading, parent_key)
    )
    section = Section(
        version=version,
        provision=provision,
        parent=parent,
        position=-1,
        depth=0,
        kind=kind,
        number=number,
        heading=heading,
        body=body,
        updated_at=utcnow(),
        updated_by_id=user.id,
    )
    db.session.add(section)
    db.session.flush()
    _write_order(version, _place(sections_of(version), [section], parent, after))
    audit.record(user, "section.add", section, summary=section.title)
    return section


def remove_section(section: Section, *, user: Any) -> None:
    """Remove a section and everything below it from the editing version (only that one)."""
    version = section.version
    require_editing(version)
    ordered = sections_of(version)
    doomed = subtree_ids(ordered, section)
    title = section.title
    audit.record(user, "section.remove", section, summary=title, before={"sections": len(doomed)})
    # Children first, so no row ever points at a parent that is gone.
    for child in reversed([s for s in ordered if s.id in doomed]):
        db.session.delete(child)
        db.session.flush()
    _write_order(version, [s for s in ordered if s.id not in doomed])


def move_section(
    section: Section, *, parent: Section | None, after: Section | None, user: Any
) -> Section:
    version = section.version
    require_editing(version)
    ordered = sections_of(version)
    subtree = subtree_ids(ordered, section)
    _check_place(version, parent, after, subtree)
    if section.parent_id != (parent.id if parent is not None else None):
        section.parent = parent
        section.updated_at, section.updated_by_id = utcnow(), user.id
        db.session.flush()
    _write_order(version, _place(ordered, [s for s in ordered if s.id in subtree], parent, after))
    audit.record(user, "section.move", section, summary=section.title)
    return section
