"""Similarity groups of a version's comments (identical, near-identical, similar) and members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.comments.models import Comment
from consult.db import Base, bounded_string, utcnow

CAMPAIGN_NAME_MAX = 120


class SimilarityGroup(Base):
    """Comments of one version found alike at one level; a campaign when a moderator says so."""

    __tablename__ = "similarity_groups"
    __table_args__ = (Index("ix_similarity_groups_version_level", "version_id", "level", "size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    level: Mapped[str] = mapped_column(String(10))  # identical, near, similar
    representative_id: Mapped[int] = mapped_column(ForeignKey("comments.id"))
    size: Mapped[int] = mapped_column(default=0)  # members not split out
    is_campaign: Mapped[bool] = mapped_column(default=False)
    campaign_name: Mapped[str] = bounded_string(CAMPAIGN_NAME_MAX, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    representative: Mapped[Comment] = relationship()


class SimilarityMember(Base):
    """A comment in a group; a moderator may split it out (kept, and respected by rebuilds)."""

    __tablename__ = "similarity_members"
    __table_args__ = (UniqueConstraint("group_id", "comment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("similarity_groups.id"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id"), index=True)
    split_at: Mapped[datetime | None]
    split_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    comment: Mapped[Comment] = relationship()
