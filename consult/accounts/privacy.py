"""A person's rights over their account: export it, leave (erasure), change e-mail address."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.affiliation import FORMER_PARTICIPANT
from consult.accounts.errors import AccountError
from consult.accounts.models import TIE_REMOVED, OrganisationMembership, User
from consult.accounts.services import (
    TokenError,
    _load,
    _serializer,
    check_password,
    find_user_by_email,
)
from consult.core import audit, outbox, retention, userdata
from consult.core.lazytext import lazy_gettext as _l
from consult.core.userdata import table_rows
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
EMAIL_CHANGE_SALT = "consult.change-email"
# What the account file leaves out: secrets, not personal data the person gave.
ACCOUNT_LEFT_OUT = ("password_hash", "session_nonce")


def user_data_files(user: User) -> dict[str, list[tuple[str, Iterable[dict[str, Any]]]]]:
    """The accounts domain's part of the export ("user_data" hook)."""
    return {
        "files": [
            (
                "account.json",
                table_rows(User, User.id == user.id, leave_out=ACCOUNT_LEFT_OUT),
            ),
            (
                "organisation_memberships.json",
                table_rows(
                    OrganisationMembership,
                    OrganisationMembership.user_id == user.id,
                ),
            ),
        ]
    }


# -- leaving ------------------------------------------------------------------------------


def erase_account(
    user: User, *, actor: User | None, password: str | None = None, reason: str = ""
) -> None:
    """Erase a person's personal data; their public comments stay as "Former participant".

    The row stays (comments, dispositions and audit events point at it) with its category;
    each comment keeps the category and organisation it was written under (its snapshot), so
    reports and counts do not change. A person leaving confirms with their password; an
    administrator acting on a request gives the reason instead, and the act is audited.
    """
    if user.is_erased:
        raise AccountError(_("This account has already been deleted."))
    own = actor is not None and actor.id == user.id
    if own:
        if password is None or not check_password(user, password):
            raise AccountError(_("Your password is not correct."), field="password")
    elif not reason.strip():
        raise AccountError(_("Say whose request this is and when it was made."), field="reason")
    db.session.flush()
    userdata.erase(user)
    for membership in db.session.scalars(
        select(OrganisationMembership).where(OrganisationMembership.user_id == user.id)
    ):
        membership.status = TIE_REMOVED
        membership.is_representative = False
    user.display_name = FORMER_PARTICIPANT
    user.email = f"erased-{user.id}@erased.invalid"
    user.bio = ""
    user.password_hash = "!erased"  # noqa: S105 - not an argon2 hash: nothing can match it
    user.session_nonce = secrets.token_hex(8)  # every session ends
    user.is_disabled = True
    user.is_admin = False
    user.listed_publicly = False
    user.notify_mode = "none"
    user.last_login_at = None
    user.erased_at = utcnow()
    if own:
        summary = f"Account #{user.id} deleted at the person's own request"
    elif actor is None:
        summary = f"Account #{user.id} deleted: {reason.strip()}"
    else:
        summary = f"Account #{user.id} deleted by an administrator on request: {reason.strip()}"
    audit.record(None if own else actor, "user.erase", user, summary)
    db.session.flush()
    logger.info("account %s erased", user.id)


# -- changing e-mail address --------------------------------------------------------------


def email_change_token(user: User, new_email: str) -> str:
    # The old address is in the payload: once the address changes, older links stop working.
    return str(
        _serializer(EMAIL_CHANGE_SALT).dumps({"u": user.id, "o": user.email, "n": new_email})
    )


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    """Send a confirmation link to the new address and a notice to the current one."""
    new_email = new_email.strip().lower()
    if not check_password(user, password):
        raise AccountError(_("Your password is not correct."), field="password")
    if new_email == user.email:
        raise AccountError(_("This is already your e-mail address."), field="email")
    if find_user_by_email(new_email) is not None:
        raise AccountError(_("Another account uses this e-mail address."), field="email")
    link = url_for(
        "accounts.confirm_email_change", token=email_change_token(user, new_email), _external=True
    )
    hours = current_app.config["TOKEN_MAX_AGE_SECONDS"] // 3600
    with outbox.recipient_locale(user):
        body = _(
            "Hello %(name)s,\n\nTo make %(email)s the e-mail address of your account, "
            "open this link within %(hours)s hours:\n\n%(link)s\n\nUntil then your current "
            "address keeps working. If you did not ask for this, ignore this message.\n",
            name=user.display_name, email=new_email, hours=hours, link=link,
        )  # fmt: skip
        outbox.queue_mail(new_email, _l("Confirm your new e-mail address"), body, user=user)
        outbox.queue_mail(
            user.email,
            _l("A change of your e-mail address was requested"),
            _(
                "Hello %(name)s,\n\nSomeone signed in to your account asked to change its "
                "e-mail address to %(email)s. Nothing changes until the link sent there is "
                "opened.\nIf this was not you, change your password now.\n",
                name=user.display_name,
                email=new_email,
            ),
            user=user,
        )
    db.session.flush()


def confirm_email_change(token: str) -> User:
    """Apply a confirmed change of address (the link proves the new address is theirs)."""
    data = _load(EMAIL_CHANGE_SALT, token, current_app.config["TOKEN_MAX_AGE_SECONDS"])
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    new_email = data.get("n")
    if (
        user is None
        or user.is_erased
        or user.email != data.get("o")
        or not isinstance(new_email, str)
    ):
        raise TokenError(expired=False)
    if find_user_by_email(new_email) is not None:
        raise AccountError(_("Another account now uses this e-mail address."), field="email")
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    with outbox.recipient_locale(user):
        outbox.queue_mail(
            old_email,
            _l("Your e-mail address was changed"),
            _(
                "Hello %(name)s,\n\nThe e-mail address of your account is now %(email)s. "
                "This address will receive nothing more from us. If this was not you, "
                "contact us.\n",
                name=user.display_name,
                email=new_email,
            ),
            user=user,
        )
    audit.record(user, "user.change_email", user, f"Account #{user.id} changed its e-mail address")
    db.session.flush()
    return user


# -- retention ----------------------------------------------------------------------------


def _purge_unverified(now: datetime) -> int:
    before = retention.cutoff(now, "UNVERIFIED_ACCOUNT_DAYS")
    if before is None:
        return 0
    stale = db.session.scalars(
        select(User).where(
            User.email_verified_at.is_(None),
            User.erased_at.is_(None),
            User.is_admin.is_(False),
            User.created_at < before,
        )
    ).all()
    days = current_app.config["UNVERIFIED_ACCOUNT_DAYS"]
    for user in stale:
        erase_account(user, actor=None, reason=f"e-mail address not confirmed within {days} days")
    return len(stale)


def purge_steps(now: datetime) -> dict[str, Any]:
    return {"steps": [("Unconfirmed accounts", lambda: _purge_unverified(now))]}
