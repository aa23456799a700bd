"""Nothing lost: a comment posted after the session expired is kept until its author signs in.

The stash belongs to no user (the poster was anonymous by then). Whoever holds the random token
gets the fields back pre-filled in the same form and must submit them again; rows expire after
a day and are pruned whenever a new one is stored.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from consult.comments.models import PendingComment
from consult.db import utcnow
from consult.extensions import db

PENDING_LIFETIME = timedelta(days=1)
PENDING_FIELDS = ("body", "kind", "quote", "proposed_text", "proposal_scope", "confidential")


def stash_pending_comment(section: Any, parent_id: int | None, form: Any) -> PendingComment:
    """Keep the posted fields for a day under a random token (no user: the poster was anonymous)."""
    db.session.execute(
        delete(PendingComment).where(PendingComment.created_at < utcnow() - PENDING_LIFETIME)
    )
    limit = 4 * 20_000  # a generous cap: this is untrusted input kept for a day
    fields: dict[str, Any] = {}
    for name in PENDING_FIELDS:
        value = form.get(name)
        if value is not None:
            fields[name] = str(value)[:limit]
    pending = PendingComment(
        token=secrets.token_urlsafe(24),
        section_id=section.id,
        parent_id=parent_id,
        fields=fields,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def take_pending_comment(token: str, section: Any, parent_id: int | None) -> dict[str, Any] | None:
    """The stashed fields for this form, once (the row is deleted), or None."""
    pending = db.session.scalars(
        select(PendingComment).where(PendingComment.token == token)
    ).first()
    if pending is None:
        return None
    if pending.section_id != section.id or pending.parent_id != parent_id:
        return None
    fields = dict(pending.fields) if pending.created_at >= utcnow() - PENDING_LIFETIME else None
    db.session.delete(pending)
    db.session.flush()
    return fields
