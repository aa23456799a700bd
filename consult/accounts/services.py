"""Account services: passwords (argon2id), users, sign-in bookkeeping."""

from __future__ import annotations

import logging

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# A hash of a random string, so unknown e-mails cost as much as wrong passwords.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).first()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (same cost either way)."""
    user = find_user_by_email(email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def load_user(login_id: str) -> User | None:
    """Flask-Login loader: the id carries a nonce so a password reset ends old sessions."""
    user_id, _, nonce = login_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_nonce != nonce:
        return None
    return user


def create_admin_user(email: str, name: str, password: str) -> User:
    """Create a verified administrator, or make an existing user one."""
    from consult.core import audit

    user = find_user_by_email(email)
    if user is None:
        user = User(
            email=email.strip().lower(),
            display_name=name,
            password_hash=hash_password(password),
            email_verified_at=utcnow(),
        )
        db.session.add(user)
    user.is_admin = True
    db.session.flush()
    audit.record(None, "user.grant_admin", user, f"{user.email} made administrator from the CLI")
    return user
