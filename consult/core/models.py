"""Cross-cutting tables: audit events, the e-mail outbox, queued digest notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from consult.db import Base, bounded, bounded_string, bounded_text, utcnow

# Ceilings of stored system texts (issue 12, defect 6), far above what legitimate content
# needs: the writers (audit.record, outbox.queue_mail, outbox.notify) clip to them, so the
# CHECK constraints only stop a bug, never a user.
AUDIT_SUMMARY_MAX = 5000  # a reason (2,000) with a few words around it
# before/after of a provision (50,000 characters), JSON-escaped: \uXXXX is six for one.
AUDIT_DATA_MAX = 1_000_000
EMAIL_ADDRESS_MAX = 320
SUBJECT_MAX = 200  # an e-mail subject: one line
MAIL_BODY_MAX = 200_000  # a digest of a busy day; a comment is 20,000 at most
MAIL_ERROR_MAX = 2000
LIST_UNSUBSCRIBE_MAX = 600


class AuditEvent(Base):
    """Who did what to which object, when; before/after where relevant."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = bounded_text(AUDIT_SUMMARY_MAX, default="")
    data: Mapped[dict[str, Any]] = bounded(
        mapped_column(JSON, default=dict), AUDIT_DATA_MAX, cast=True
    )


class OutboxMessage(Base):
    """An e-mail waiting to be sent, written in the same transaction as its cause."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_addr: Mapped[str] = bounded_string(EMAIL_ADDRESS_MAX)
    subject: Mapped[str] = bounded(mapped_column(String(300)), SUBJECT_MAX)
    body_text: Mapped[str] = bounded_text(MAIL_BODY_MAX)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = bounded_text(MAIL_ERROR_MAX)
    sent_at: Mapped[datetime | None]
    # The List-Unsubscribe header value of a bulk e-mail (updates to subscribers), else "".
    list_unsubscribe: Mapped[str] = bounded_string(
        LIST_UNSUBSCRIBE_MAX, default="", server_default=""
    )


class Notification(Base):
    """A notice for a user who chose the daily digest; `send-digests` bundles them."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "digested_at", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    subject: Mapped[str] = bounded(mapped_column(String(300)), SUBJECT_MAX)
    body_text: Mapped[str] = bounded_text(MAIL_BODY_MAX)
    digested_at: Mapped[datetime | None]
