"""The API domain's part of a person's data export (token names, never secrets) and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete

from consult.api.models import ApiToken
from consult.core.userdata import table_rows
from consult.extensions import db


def user_data_files(user: Any) -> dict[str, Any]:
    return {
        "files": [
            (
                "api_tokens.json",
                table_rows(ApiToken, ApiToken.user_id == user.id, leave_out=("token_hash",)),
            )
        ]
    }


def erase_tokens(user: Any) -> dict[str, Any]:
    """Access tokens are credentials, not content: they are deleted outright."""
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return {}


def purge_steps(now: datetime) -> dict[str, Any]:
    """Revoked tokens no longer work: nothing is kept of them."""

    def run() -> int:
        result = db.session.execute(delete(ApiToken).where(ApiToken.revoked_at.is_not(None)))
        return int(getattr(result, "rowcount", 0) or 0)

    return {"steps": [("Revoked API tokens", run)]}
