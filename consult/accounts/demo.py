"""Demo data for accounts: organisations across the five categories, users, an admin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import db

ADMIN_EMAIL = "admin@consult.example"


def is_loaded() -> bool:
    return db.session.scalars(select(User.id).where(User.email == ADMIN_EMAIL)).first() is not None


def load(context: dict[str, Any]) -> None:
    from consult.accounts.services import create_admin_user

    context["admin"] = create_admin_user(ADMIN_EMAIL, "Demo Administrator", "demo-password-123")
