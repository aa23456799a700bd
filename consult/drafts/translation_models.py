"""Translations of a version's provisions into another language, imported per language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, utcnow

TRANSLATION_HEADING_MAX = 400
TRANSLATION_LABEL_MAX = 100


class SectionTranslation(Base):
    """One provision's heading and body in `language`, as imported for one version.

    `source_hash` is the hash of the source section's heading and body when the translation was
    imported: when a later version's source text differs, the translation is outdated there.
    """

    __tablename__ = "section_translations"
    __table_args__ = (
        UniqueConstraint("version_id", "provision_id", "language"),
        Index("ix_section_translations_document_language", "document_id", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"))
    language: Mapped[str] = mapped_column(String(8))
    # The translated "Commitment 1" when the translator wrote one ("Verpflichtung 1"), else "".
    label: Mapped[str] = mapped_column(String(TRANSLATION_LABEL_MAX), default="")
    heading: Mapped[str] = mapped_column(String(TRANSLATION_HEADING_MAX), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
