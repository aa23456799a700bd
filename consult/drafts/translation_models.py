"""Translations of a version's provisions into another language, imported per language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, bounded_string, bounded_text, utcnow
from consult.drafts.models import SECTION_BODY_MAX

TRANSLATION_HEADING_MAX = 400
TRANSLATION_LABEL_MAX = 100
# A translation runs longer than its source (German ~30%): twice the source's bound.
TRANSLATION_BODY_MAX = 2 * SECTION_BODY_MAX


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
    label: Mapped[str] = bounded_string(TRANSLATION_LABEL_MAX, default="")
    heading: Mapped[str] = bounded_string(TRANSLATION_HEADING_MAX, default="")
    body: Mapped[str] = bounded_text(TRANSLATION_BODY_MAX, default="")

    source_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
