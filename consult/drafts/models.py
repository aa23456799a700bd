"""Documents, numbered versions, provisions (stable identity) and sections (text per version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base, TimestampMixin, bounded_string, bounded_text
from consult.drafts.errors import PublishedVersionError
from consult.groups.models import WorkingGroup

# Maximum lengths, shared by the columns, the forms and the Markdown importer.
DOCUMENT_TITLE_MAX = 250
DOCUMENT_SUMMARY_MAX = 5000
CHANGELOG_MAX = 20_000
SECTION_NUMBER_MAX = 20
SECTION_HEADING_MAX = 300
SECTION_BODY_MAX = 50_000
VISIBILITY_PUBLIC = "public"
VISIBILITY_MEMBERS = "members"
VISIBILITIES = {
    VISIBILITY_PUBLIC: _l("Public"),
    VISIBILITY_MEMBERS: _l("Members of the working group"),
}

STATUS_EDITING = "editing"
STATUS_PUBLISHED = "published"
STATUS_SUPERSEDED = "superseded"

SECTION_KINDS = {
    "part": "Part",
    "chapter": "Chapter",
    "commitment": "Commitment",
    "measure": "Measure",
    "recital": "Recital",
    "paragraph": "Paragraph",
    "open_question": "Open question",
    "annex": "Annex",
    "section": "Section",
}
# SECTION_KINDS name a provision inside the document's own text (Section.title: "Measure 1.2:
# ..."), which is exported and indexed, so it stays in the document's language. The interface
# (form choices, labels) uses these translated names.
SECTION_KIND_LABELS = {
    "part": _l("Part"),
    "chapter": _l("Chapter"),
    "commitment": _l("Commitment"),
    "measure": _l("Measure"),
    "recital": _l("Recital"),
    "paragraph": _l("Paragraph"),
    "open_question": _l("Open question"),
    "annex": _l("Annex"),
    "section": _l("Section"),
}


class Document(TimestampMixin, Base):
    """What is drafted: a code or one of its chapters."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = bounded_string(DOCUMENT_TITLE_MAX)
    summary: Mapped[str] = bounded_text(DOCUMENT_SUMMARY_MAX, default="")
    visibility: Mapped[str] = mapped_column(String(10), default=VISIBILITY_PUBLIC)
    position: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    group: Mapped[WorkingGroup] = relationship(lazy="joined")
    versions: Mapped[list[Version]] = relationship(
        back_populates="document", order_by="Version.number"
    )


class Version(TimestampMixin, Base):
    """A numbered draft; immutable once published (enforced in drafts.services)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=STATUS_EDITING)
    changelog: Mapped[str] = bounded_text(CHANGELOG_MAX, default="")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The authoritative language of the text; translations live in SectionTranslation.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    document: Mapped[Document] = relationship(back_populates="versions", lazy="joined")

    @property
    def is_published(self) -> bool:
        return self.status != STATUS_EDITING

    def window_state(self, now: datetime) -> str:
        """'none' (no window), 'upcoming', 'open' or 'closed' for the consultation."""
        if self.status == STATUS_EDITING or self.opens_at is None:
            return "none"
        if now < self.opens_at:
            return "upcoming"
        if self.closes_at is not None and now >= self.closes_at:
            return "closed"
        return "open"


class Provision(Base):
    """Stable identity of a piece of text across versions; survives renumbering and moves."""

    __tablename__ = "provisions"
    __table_args__ = (UniqueConstraint("document_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # the current canonical URL key, e.g. c2-m3
    kind: Mapped[str] = mapped_column(String(20))


class ProvisionKey(Base):
    """Every URL key a provision ever had, so old links of renumbered provisions resolve."""

    __tablename__ = "provision_keys"
    __table_args__ = (UniqueConstraint("document_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    key: Mapped[str] = mapped_column(String(40))
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), index=True)

    provision: Mapped[Provision] = relationship()


class Section(Base):
    """The text of one provision in one version."""

    __tablename__ = "sections"
    __table_args__ = (
        UniqueConstraint("version_id", "provision_id"),
        Index("ix_sections_version_position", "version_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))
    position: Mapped[int]  # document order within the version (pre-order of the tree)
    depth: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = bounded_string(SECTION_NUMBER_MAX, default="")  # as printed: "2.3"
    heading: Mapped[str] = bounded_string(SECTION_HEADING_MAX, default="")
    body: Mapped[str] = bounded_text(SECTION_BODY_MAX, default="")

    # Optimistic locking: a save based on a stale copy fails instead of overwriting.
    lock_version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    provision: Mapped[Provision] = relationship(lazy="joined")
    version: Mapped[Version] = relationship()
    parent: Mapped[Section | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def title(self) -> str:
        label = SECTION_KINDS.get(self.kind, "")
        parts = [p for p in (label + (" " + self.number if self.number else ""), self.heading) if p]
        return ": ".join(parts)


# --- Safety net: published text cannot change, whatever code path tries. ---------------------
# drafts.services refuses such changes with a clear message first; this listener catches any
# other code (a script, a future service, a bug) before it reaches the database.
WINDOW_CHANGE_KEY = "drafts.window_change"  # session.info: version ids whose window may change
_VERSION_MUTABLE_WHEN_PUBLISHED = {"updated_at"}


def _original(obj: Any, attribute: str) -> Any:
    history = inspect(obj).attrs[attribute].history
    if history.deleted:
        return history.deleted[0]
    return getattr(obj, attribute)


def _version_of(session: Session, section: Section) -> Version | None:
    if section.version is not None:
        return section.version
    return session.get(Version, section.version_id) if section.version_id else None


def _check_section(session: Session, section: Section, change: str) -> None:
    version = _version_of(session, section)
    if version is None or version in session.new:
        return
    if version.status != STATUS_EDITING or _original(version, "status") != STATUS_EDITING:
        raise PublishedVersionError(
            f"Version {version.number} is published: its sections cannot be {change}."
        )


def _check_version(session: Session, version: Version) -> None:
    before = _original(version, "status")
    if before == STATUS_EDITING:
        if version.status not in {STATUS_EDITING, STATUS_PUBLISHED}:
            raise PublishedVersionError("A version is published before it is superseded.")
        return
    allowed = set(_VERSION_MUTABLE_WHEN_PUBLISHED)
    if version.id in session.info.get(WINDOW_CHANGE_KEY, set()):
        allowed |= {"opens_at", "closes_at"}
    state = inspect(version)
    for attr in state.mapper.column_attrs:
        if attr.key in allowed or not state.attrs[attr.key].history.has_changes():
            continue
        if attr.key == "status" and (before, version.status) == (
            STATUS_PUBLISHED,
            STATUS_SUPERSEDED,
        ):
            continue
        raise PublishedVersionError(
            f"Version {version.number} is published: its {attr.key} cannot be changed."
        )


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published(session: Session, flush_context: Any, instances: Any) -> None:
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, Section):
                _check_section(session, obj, "added")
        for obj in session.dirty:
            if isinstance(obj, Section) and session.is_modified(obj, include_collections=False):
                _check_section(session, obj, "changed")
            elif isinstance(obj, Version) and session.is_modified(obj, include_collections=False):
                _check_version(session, obj)
        for obj in session.deleted:
            if isinstance(obj, Section):
                _check_section(session, obj, "removed")
            elif isinstance(obj, Version) and _original(obj, "status") != STATUS_EDITING:
                raise PublishedVersionError("A published version cannot be deleted.")


@event.listens_for(Session, "after_flush_postexec")
def _forget_window_changes(session: Session, flush_context: Any) -> None:
    session.info.pop(WINDOW_CHANGE_KEY, None)
