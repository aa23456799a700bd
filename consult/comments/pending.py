"""Nothing lost: a comment posted after the session expired is kept until its author signs in.

The stash belongs to no user (the poster was anonymous by then). Whoever holds the random token
gets the fields back pre-filled in the same form and must submit them again; rows expire after
a day and are pruned whenever a new one is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from limits import parse
from sqlalchemy import delete, func, select

from consult.comments.models import COMMENT_TEXT_MAX, PendingComment
from consult.db import utcnow
from consult.extensions import db, limiter

PENDING_LIFETIME = timedelta(days=1)
PENDING_FIELDS = ("body", "kind", "quote", "proposed_text", "proposal_scope", "confidential")
# Bounds on this anonymous write: a field no longer than the form accepts, a few stashes per
# address, and a ceiling on the whole table (past it, nothing more is kept until rows expire).
SHORT_FIELD_MAX = 40
PENDING_PER_CLIENT = "5 per hour"
PENDING_TOTAL_MAX = 5_000
BROWSER_FIELD = "_browser"


def _field_max(name: str) -> int:
    if name in {"body", "proposed_text", "quote"}:
        return min(int(current_app.config["COMMENT_MAX_LENGTH"]), COMMENT_TEXT_MAX)

    return SHORT_FIELD_MAX


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_stash(client: str) -> bool:
    """Whether this address may keep one more stash now (counted across workers by the
    limiter's storage) and the table has room."""
    if limiter.enabled and not limiter.limiter.hit(parse(PENDING_PER_CLIENT), "rescue", client):
        return False
    live = db.session.scalar(select(func.count(PendingComment.id)))
    return (live or 0) < PENDING_TOTAL_MAX


def stash_pending_comment(
    section: Any, parent_id: int | None, form: Any, browser_secret: str
) -> PendingComment | None:
    """Keep the posted fields for a day under a random token, tied to the browser that sent
    them (the hash of `browser_secret`, kept in that browser's cookie); None when a field is
    longer than its form accepts (the form would refuse it anyway)."""
    db.session.execute(
        delete(PendingComment).where(PendingComment.created_at < utcnow() - PENDING_LIFETIME)
    )
    fields: dict[str, Any] = {}
    for name in PENDING_FIELDS:
        value = form.get(name)
        if value is None:
            continue
        if len(value) > _field_max(name):
            return None
        fields[name] = str(value)
    fields[BROWSER_FIELD] = _digest(browser_secret)
    pending = PendingComment(
        token=secrets.token_urlsafe(24),
        section_id=section.id,
        parent_id=parent_id,
        fields=fields,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def take_pending_comment(
    token: str, section: Any, parent_id: int | None, browser_secret: str | None
) -> dict[str, Any] | None:
    """The stashed fields for this form, once (the row is deleted), or None.

    Only the browser that made the stash gets it back: a link with someone else's token does
    not pre-fill a form (nor use the stash up)."""
    pending = db.session.scalars(
        select(PendingComment).where(PendingComment.token == token)
    ).first()
    if pending is None or not browser_secret:
        return None
    if pending.section_id != section.id or pending.parent_id != parent_id:
        return None
    fields = dict(pending.fields)
    if not hmac.compare_digest(str(fields.pop(BROWSER_FIELD, "")), _digest(browser_secret)):
        return None
    if pending.created_at < utcnow() - PENDING_LIFETIME:
        fields = {}
    db.session.delete(pending)
    db.session.flush()
    return fields or None
