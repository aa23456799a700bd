"""Updates by e-mail without an account: subscribers, the groups they follow, what was announced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import EMAIL_MAX
from consult.db import Base, bounded_string, utcnow

SUB_PENDING = "pending"
SUB_CONFIRMED = "confirmed"
SUB_UNSUBSCRIBED = "unsubscribed"
KIND_VERSIONS = "versions"
KIND_CONSULTATIONS = "consultations"
KIND_EVENTS = "events"
KIND_ADOPTION = "adoption"
UPDATE_KINDS = (KIND_VERSIONS, KIND_CONSULTATIONS, KIND_EVENTS, KIND_ADOPTION)
TOKEN_MAX = 64


class UpdateSubscriber(Base):
    """An e-mail address that asked for updates (double opt-in); personal data."""

    __tablename__ = "update_subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = bounded_string(EMAIL_MAX, unique=True)
    # The secret of the manage and unsubscribe links (random; the address is never in a URL).
    token: Mapped[str] = mapped_column(String(TOKEN_MAX), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=SUB_PENDING, index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    site_wide: Mapped[bool] = mapped_column(default=False)
    wants_versions: Mapped[bool] = mapped_column(default=True)
    wants_consultations: Mapped[bool] = mapped_column(default=True)
    wants_events: Mapped[bool] = mapped_column(default=True)
    wants_adoption: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirm_sent_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]

    groups: Mapped[list[UpdateSubscriberGroup]] = relationship(
        cascade="all, delete-orphan", back_populates="subscriber"
    )

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, f"wants_{kind}", False))

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in UPDATE_KINDS if self.wants(kind)]

    @property
    def group_ids(self) -> list[int]:
        return [row.group_id for row in self.groups]


class UpdateSubscriberGroup(Base):
    """One working group a subscriber follows."""

    __tablename__ = "update_subscriber_groups"
    __table_args__ = (UniqueConstraint("subscriber_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("update_subscribers.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)

    subscriber: Mapped[UpdateSubscriber] = relationship(back_populates="groups")


class UpdateAnnouncement(Base):
    """A time-driven update already sent (a consultation opening or closing), so never twice."""

    __tablename__ = "update_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["UpdateAnnouncement", "UpdateSubscriber", "UpdateSubscriberGroup"]
