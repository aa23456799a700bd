"""Blobs (one per distinct content, by SHA-256) and attachments (a blob linked to an owner)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db import Base, bounded_string, bounded_text, utcnow

# The column bound of extracted text: twice ATTACHMENT_MAX_CHARS's default (500,000), so the
# configuration may be raised that far; extract.py never keeps more than this.
EXTRACTED_TEXT_MAX = 1_000_000
FILENAME_MAX = 200

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class Blob(Base):
    """A stored file's content: kept once, whoever uploads it and to whatever it is attached."""

    __tablename__ = "attachment_blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    file_type: Mapped[str] = mapped_column(String(8))  # pdf, odt, docx, odp, pptx (from content)
    text: Mapped[str] = bounded_text(EXTRACTED_TEXT_MAX, default="")  # extracted
    text_complete: Mapped[bool] = mapped_column(default=True)  # False: a cap stopped extraction
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file_type]


class Attachment(Base):
    """One file attached to one owner (e.g. a comment), under the name it was uploaded with."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_type", "owner_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blob_id: Mapped[int] = mapped_column(ForeignKey("attachment_blobs.id"), index=True)
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = bounded_string(FILENAME_MAX)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blob: Mapped[Blob] = relationship(lazy="joined")

    @property
    def media_type(self) -> str:
        return self.blob.media_type

    @property
    def size(self) -> int:
        return self.blob.size

    @property
    def file_type(self) -> str:
        return self.blob.file_type
