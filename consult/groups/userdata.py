"""The groups domain's part of a person's data export and of erasing an account."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from consult.core import hooks
from consult.core.userdata import table_rows
from consult.groups.models import Membership


def user_data_files(user: Any) -> dict[str, Any]:
    return {
        "files": [
            (
                "working_group_memberships.json",
                table_rows(Membership, Membership.user_id == user.id),
            )
        ]
    }


def erase_memberships(user: Any) -> dict[str, Any]:
    """Memberships stay (who decided what, for the record) but are no longer listed."""
    from consult.extensions import db

    db.session.execute(
        update(Membership)
        .where(Membership.user_id == user.id)
        .values(listed_publicly=False, statement="")
    )
    return {}


def register(state: Any) -> None:
    hooks.register(state.app, "user_data", user_data_files)
    hooks.register(state.app, "user_erase", erase_memberships)
