"""Audit events: written by services in the same transaction as the change they record."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from consult.core.models import AUDIT_DATA_MAX, AUDIT_SUMMARY_MAX, AuditEvent
from consult.extensions import db


def record(
    actor: Any,
    action: str,
    obj: Any,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `actor` did `action` (e.g. "version.publish") to `obj`."""
    data: dict[str, Any] = {}
    if before is not None:
        data["before"] = before
    if after is not None:
        data["after"] = after
    if len(json.dumps(data, default=str)) > AUDIT_DATA_MAX:
        # Never reached by today's callers; kept so an audit record cannot fail the action.
        data = {"truncated": True, "keys": sorted({k for part in data.values() for k in part})}
    if len(summary) > AUDIT_SUMMARY_MAX:
        summary = summary[: AUDIT_SUMMARY_MAX - 1] + "…"
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=getattr(obj, "__tablename__", type(obj).__name__.lower()),
        object_id=getattr(obj, "id", None),
        summary=summary,
        data=data,
    )
    db.session.add(event)
    return event


def events_for(obj: Any, action_prefix: str = "") -> list[AuditEvent]:
    """The audit trail of one object, oldest first."""
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == obj.id
    )
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix))
    return list(db.session.scalars(stmt.order_by(AuditEvent.at, AuditEvent.id)))
