"""Creating, revoking and resolving personal access tokens (services flush, never commit)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.api.models import ApiToken
from consult.core import audit
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "cst_"  # noqa: S105 - a public marker, not a secret
MAX_ACTIVE_TOKENS = 10
# Recording every use would write on every GET; once an hour tells the owner enough.
LAST_USED_RESOLUTION = timedelta(hours=1)


class TokenError(Exception):
    """A refused token change; the message is shown to the user."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_of(user: Any) -> list[ApiToken]:
    """The user's tokens, active first, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row (hash only) and the secret, to be shown once."""
    active = db.session.scalar(
        select(func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )
    if (active or 0) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _(
                "You already have %(n)s active tokens: revoke one you no longer use.",
                n=MAX_ACTIVE_TOKENS,
            )
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=hash_token(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api_token.create", token, f"API token “{token.name}” created")
    return token, secret


def revoke_token(user: Any, token: ApiToken) -> None:
    if token.user_id != user.id:
        raise TokenError(_("This token is not yours."))
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record(user, "api_token.revoke", token, f"API token “{token.name}” revoked")


def user_for_token(secret: str) -> Any | None:
    """The active user owning this active token, or None (unknown, revoked, user disabled)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(secret))
    ).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        _record_use(token, now)
    return token.user


def _record_use(token: ApiToken, now: Any) -> None:
    """Note when the token was last used, in its own short transaction; never fail the read."""
    try:
        token.last_used_at = now
        db.session.commit()
    except Exception:  # a locked SQLite database must not turn a read into an error
        db.session.rollback()
        logger.warning("could not record the use of API token %s", token.id)
