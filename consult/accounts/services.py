"""Account services: passwords (argon2id), sign-up, e-mail tokens, password reset, profile."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.accounts import organisations
from consult.accounts.errors import AccountError
from consult.accounts.models import NOTIFY_MODES, Organisation, StakeholderCategory, User
from consult.core import i18n, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# A hash of a random string, so unknown e-mails cost as much as wrong passwords.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-timing")
VERIFY_SALT = "consult.verify-email"
RESET_SALT = "consult.reset-password"


class TokenError(Exception):
    """A link that cannot be used; `expired` tells an old link from a damaged one."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass
class NewOrganisation:
    name: str
    category: StakeholderCategory
    country: str
    transparency_register_id: str | None = None


# -- passwords and sign-in ---------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return bool(_hasher.verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


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
    if user is None or user.session_nonce != nonce or not user.is_active:
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


# -- choices for forms -------------------------------------------------------------------


def active_categories() -> list[StakeholderCategory]:
    """Categories offered to new accounts and organisations (retired ones are not)."""
    return list(
        db.session.scalars(
            select(StakeholderCategory)
            .where(StakeholderCategory.retired_at.is_(None))
            .order_by(StakeholderCategory.position, StakeholderCategory.name)
        )
    )


def all_categories() -> list[StakeholderCategory]:
    return list(
        db.session.scalars(
            select(StakeholderCategory).order_by(
                StakeholderCategory.position, StakeholderCategory.name
            )
        )
    )


def organisation_choices() -> list[tuple[int, str, str]]:
    """(id, name, country) of every organisation, by name, for the sign-up select."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.country).order_by(
            func.lower(Organisation.name)
        )
    )
    return [(row.id, row.name, row.country) for row in rows]


def find_organisation_by_name(name: str) -> Organisation | None:
    return db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    ).first()


# -- sign-up and e-mail verification ------------------------------------------------------


def sign_up(
    *,
    email: str,
    display_name: str,
    password: str,
    organisation: Organisation | None = None,
    new_organisation: NewOrganisation | None = None,
    independent_category: StakeholderCategory | None = None,
    locale: str | None = None,
) -> User:
    """Create an unverified account (and its organisation if new) and queue the check e-mail.

    Naming an existing organisation makes a *pending* tie: until it is confirmed the person
    speaks as an individual in `independent_category` (their own category, asked for at
    sign-up in every case). Registering a new organisation makes them its provisional
    representative until an administrator verifies the organisation.

    Everything is checked before anything is added, and the inserts run in a savepoint, so a
    refusal leaves nothing behind.
    """
    email = email.strip().lower()
    if find_user_by_email(email) is not None:
        raise AccountError(
            _(
                "An account with this e-mail address already exists. Sign in, or reset your "
                "password if you have forgotten it."
            ),
            field="email",
        )
    if new_organisation is not None and find_organisation_by_name(new_organisation.name):
        raise AccountError(
            _(
                "“%(name)s” is already registered: choose it from the list of organisations "
                "instead.",
                name=new_organisation.name.strip(),
            ),
            field="org_name",
        )
    if new_organisation is None and independent_category is None:
        raise AccountError(_("Choose your own stakeholder category."))
    try:
        with db.session.begin_nested():
            if new_organisation is not None:
                organisation = Organisation(
                    name=new_organisation.name.strip(),
                    category=new_organisation.category,
                    country=new_organisation.country.upper(),
                    transparency_register_id=new_organisation.transparency_register_id or None,
                )
                db.session.add(organisation)
            user = User(
                email=email,
                display_name=display_name.strip(),
                password_hash=hash_password(password),
                independent_category=independent_category,
                # The language the page was in: their e-mails (verification first) follow it.
                locale=i18n.normalise(locale),
            )
            db.session.add(user)
            db.session.flush()
            if organisation is not None:
                organisations.join_organisation(
                    user, organisation, founder=new_organisation is not None
                )
    except IntegrityError as exc:  # a simultaneous sign-up with the same e-mail or name
        raise AccountError(
            _("An account or organisation with these details was just registered. Try again."),
            field="email",
        ) from exc
    send_verification(user)
    return user


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(expired=True) from exc
    except BadSignature as exc:
        raise TokenError(expired=False) from exc
    if not isinstance(data, dict):
        raise TokenError(expired=False)
    return data


def verification_token(user: User) -> str:
    # The e-mail is in the payload, so a link stops working once the address changes.
    return str(_serializer(VERIFY_SALT).dumps({"u": user.id, "e": user.email}))


def send_verification(user: User) -> None:
    link = email_url("accounts.verify_email", token=verification_token(user))
    outbox.queue_template(
        user,
        _l("Confirm your e-mail address"),
        "verify",
        link=link,
        hours=current_app.config["TOKEN_MAX_AGE_SECONDS"] // 3600,
    )


def verify_email(token: str) -> User:
    """Mark the account of a valid verification link as verified (idempotent)."""
    data = _load(VERIFY_SALT, token, current_app.config["TOKEN_MAX_AGE_SECONDS"])
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or user.email != data.get("e"):
        raise TokenError(expired=False)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
        organisations.address_verified(user)
    return user


def resend_verification(user: User | None) -> bool:
    """Queue a fresh verification e-mail if the account still needs one."""
    if user is None or user.is_verified or not user.is_active:
        return False
    send_verification(user)
    db.session.flush()
    return True


# -- password reset and change -----------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, so a reset link works once; a digest, not the hash.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    return str(_serializer(RESET_SALT).dumps({"u": user.id, "p": _password_fingerprint(user)}))


def request_password_reset(email: str) -> None:
    """Queue a reset link if an active account has this e-mail; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        logger.info("password reset asked for an unknown or disabled address")
        return
    link = email_url("accounts.reset_password", token=reset_token(user))
    outbox.queue_template(
        user,
        _l("Reset your password"),
        "reset",
        link=link,
        minutes=current_app.config["RESET_TOKEN_MAX_AGE_SECONDS"] // 60,
    )
    db.session.flush()


def user_for_reset_token(token: str) -> User:
    data = _load(RESET_SALT, token, current_app.config["RESET_TOKEN_MAX_AGE_SECONDS"])
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or _password_fingerprint(user) != data.get("p"):
        raise TokenError(expired=False)
    return user


def end_sessions(user: User) -> None:
    """Sign-out: a new nonce changes the login id, so a copied session or remember cookie of
    this user (on any device) no longer signs anyone in."""
    user.session_nonce = secrets.token_hex(8)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    # A new nonce changes the login id, so every other session of this user ends.
    user.session_nonce = secrets.token_hex(8)
    outbox.queue_template(user, _l("Your password was changed"), "password_changed")


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; the link proves the address, so verify it too."""
    user = user_for_reset_token(token)
    _set_password(user, password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        db.session.flush()
        organisations.address_verified(user)
    db.session.flush()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    if not check_password(user, current):
        raise AccountError(_("Your current password is not correct."), field="current_password")
    _set_password(user, new)
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    """Remember the language a person chose (pages when signed in, and their e-mails)."""
    user.locale = i18n.normalise(locale)
    db.session.flush()


def update_profile(
    user: User,
    *,
    display_name: str,
    bio: str,
    notify_mode: str,
    listed_publicly: bool | None = None,
    own_category: StakeholderCategory | None = None,
    locale: str | None = None,
) -> None:
    if notify_mode not in NOTIFY_MODES:
        raise AccountError(_("Choose how you want to be notified."), field="notify_mode")
    if locale is not None:
        if locale and i18n.normalise(locale) != locale:
            raise AccountError(_("Choose a language from the list."), field="locale")
        user.locale = locale or None
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.notify_mode = notify_mode
    if listed_publicly is not None:
        user.listed_publicly = listed_publicly
    if own_category is not None:
        user.independent_category = own_category
    db.session.flush()
