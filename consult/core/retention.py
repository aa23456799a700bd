"""Retention: `flask consult purge` deletes what is kept no longer than the configured periods.

Core purges its own tables (sent e-mail bodies, audit entries if configured); each domain adds
steps through the "purge" hook: `provider(now=...)` returns {"steps": [(label, run)]} where
`run()` does the work and returns how many records it touched. 0 days means "keep".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, update

from consult.core import hooks
from consult.core.models import AuditEvent, OutboxMessage
from consult.extensions import db

Step = tuple[str, Callable[[], int]]


def cutoff(now: datetime, setting: str) -> datetime | None:
    """`now` minus the setting's days, or None when the setting keeps things for ever."""
    days = int(current_app.config[setting])
    return now - timedelta(days=days) if days > 0 else None


def _sent_mail_bodies(now: datetime) -> int:
    before = cutoff(now, "SENT_MAIL_BODY_DAYS")
    if before is None:
        return 0
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at < before,
            OutboxMessage.body_text != "",
        )
        .values(body_text="")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _audit_entries(now: datetime) -> int:
    before = cutoff(now, "AUDIT_RETENTION_DAYS")
    if before is None:
        return 0
    result = db.session.execute(delete(AuditEvent).where(AuditEvent.at < before))
    return int(getattr(result, "rowcount", 0) or 0)


def steps(now: datetime) -> list[Step]:
    core: list[Step] = [
        ("Sent e-mail bodies", lambda: _sent_mail_bodies(now)),
        ("Audit entries", lambda: _audit_entries(now)),
    ]
    return hooks.collect("purge", now=now).get("steps", []) + core
