"""Updates by e-mail without an account: double opt-in, choices, unsubscribe, fan-out, privacy.

A subscriber confirms with a signed, expiring link (itsdangerous); every update carries a
one-click unsubscribe (RFC 8058 `List-Unsubscribe` / `List-Unsubscribe-Post`) and the manage
link, both on a random per-subscriber secret. `announce` writes one outbox row per confirmed
subscriber with one INSERT ... SELECT per interface language, whatever their number.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import (
    Integer,
    String,
    Text,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from consult.core.i18n import SOURCE_LANGUAGE, available_languages
from consult.core.lazytext import lazy_gettext as _l
from consult.core.models import SUBJECT_MAX, OutboxMessage
from consult.core.outbox import queue_mail
from consult.core.retention import Step, cutoff
from consult.core.urls import email_url
from consult.core.userdata import table_rows
from consult.db import utcnow
from consult.extensions import db
from consult.groups.update_models import (
    SUB_CONFIRMED,
    SUB_PENDING,
    SUB_UNSUBSCRIBED,
    UPDATE_KINDS,
    UpdateAnnouncement,
    UpdateSubscriber,
    UpdateSubscriberGroup,
)

CONFIRM_SALT = "update-subscription-confirm"
# One confirmation (or "already subscribed") e-mail per address per this many minutes, so the
# form cannot be used to flood somebody's inbox.
RESEND_MINUTES = 10


class UpdateError(ValueError):
    """A confirmation link that is expired or wrong, with a message for the person."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT)


def _fingerprint(subscriber: UpdateSubscriber) -> str:
    # The link names the subscription without carrying its secret (a forwarded confirmation
    # e-mail must not hand over the manage link).
    return hashlib.sha256(subscriber.token.encode()).hexdigest()[:16]


def confirm_token(subscriber: UpdateSubscriber) -> str:
    return _serializer().dumps([subscriber.id, _fingerprint(subscriber)])


def subscriber_to_confirm(token: str) -> UpdateSubscriber:
    """The subscription a confirmation link names; UpdateError if expired, wrong or gone."""
    max_age = int(current_app.config["UPDATES_CONFIRM_HOURS"]) * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise UpdateError(_("This confirmation link has expired. Subscribe again.")) from exc
    except BadSignature as exc:
        raise UpdateError(_("This confirmation link is not valid.")) from exc
    subscriber = None
    if isinstance(data, list) and len(data) == 2 and isinstance(data[0], int):
        subscriber = db.session.get(UpdateSubscriber, data[0])
    if subscriber is None or _fingerprint(subscriber) != data[1]:
        raise UpdateError(_("This confirmation link is not valid. Subscribe again."))
    return subscriber


def by_token(token: str) -> UpdateSubscriber | None:
    return db.session.scalars(
        select(UpdateSubscriber).where(UpdateSubscriber.token == token[:64])
    ).first()


def _set_choices(
    subscriber: UpdateSubscriber,
    site_wide: bool,
    group_ids: Iterable[int],
    kinds: Iterable[str],
    language: str,
) -> None:
    chosen = set(kinds)
    for kind in UPDATE_KINDS:
        setattr(subscriber, f"wants_{kind}", kind in chosen)
    subscriber.site_wide = site_wide
    subscriber.language = language if language in available_languages() else SOURCE_LANGUAGE
    wanted = set(group_ids)
    for row in list(subscriber.groups):
        if row.group_id not in wanted:
            subscriber.groups.remove(row)
    have = {row.group_id for row in subscriber.groups}
    for group_id in sorted(wanted - have):
        subscriber.groups.append(UpdateSubscriberGroup(group_id=group_id))


def _recently_mailed(subscriber: UpdateSubscriber, now: datetime) -> bool:
    sent = subscriber.confirm_sent_at
    return sent is not None and now - sent < timedelta(minutes=RESEND_MINUTES)


def request_subscription(
    email: str, site_wide: bool, group_ids: Iterable[int], kinds: Iterable[str], language: str
) -> None:
    """Start (or restart) a subscription; the answer never tells whether the address was known.

    A new, pending or unsubscribed address gets a confirmation link for these choices; an
    address already subscribed gets its manage link instead, its choices unchanged.
    """
    email = email.strip().lower()
    now = utcnow()
    subscriber = db.session.scalars(
        select(UpdateSubscriber).where(UpdateSubscriber.email == email)
    ).first()
    if subscriber is None:
        subscriber = UpdateSubscriber(email=email, token=secrets.token_urlsafe(32))
        db.session.add(subscriber)
    elif _recently_mailed(subscriber, now):
        return
    if subscriber.status == SUB_CONFIRMED:
        subscriber.confirm_sent_at = now
        _mail(subscriber, _l("Your subscription to updates"), "update_already")
        db.session.flush()
        return
    _set_choices(subscriber, site_wide, group_ids, kinds, language)
    subscriber.status = SUB_PENDING
    subscriber.created_at = now
    subscriber.unsubscribed_at = None
    subscriber.confirm_sent_at = now
    db.session.flush()
    link = email_url("updates.confirm", token=confirm_token(subscriber))
    _mail(subscriber, _l("Confirm your subscription to updates"), "update_confirm", link=link)
    db.session.flush()


def _mail(subscriber: UpdateSubscriber, subject: Any, template: str, **context: Any) -> None:
    with force_locale(subscriber.language):
        title = str(subject)
        body = render_template(
            f"emails/{template}.txt",
            subscriber=subscriber,
            manage_url=email_url("updates.manage", secret=subscriber.token),
            hours=current_app.config["UPDATES_CONFIRM_HOURS"],
            **context,
        )
    queue_mail(subscriber.email, title, body)


def confirm(subscriber: UpdateSubscriber) -> None:
    if subscriber.status != SUB_CONFIRMED:
        subscriber.status = SUB_CONFIRMED
        subscriber.confirmed_at = utcnow()
        subscriber.unsubscribed_at = None
    db.session.flush()


def save_choices(
    subscriber: UpdateSubscriber,
    site_wide: bool,
    group_ids: Iterable[int],
    kinds: Iterable[str],
    language: str,
) -> None:
    _set_choices(subscriber, site_wide, group_ids, kinds, language)
    db.session.flush()


def unsubscribe(subscriber: UpdateSubscriber) -> None:
    """Stop every update (kept a while as a record, then purged); queued ones are dropped."""
    if subscriber.status != SUB_UNSUBSCRIBED:
        subscriber.status = SUB_UNSUBSCRIBED
        subscriber.unsubscribed_at = utcnow()
    _drop_queued(subscriber.email)
    db.session.flush()


def delete_subscription(subscriber: UpdateSubscriber) -> None:
    """Erase the subscription and what is still queued for the address."""
    _drop_queued(subscriber.email)
    db.session.delete(subscriber)
    db.session.flush()


def _drop_queued(email: str) -> None:
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.to_addr == email,
            OutboxMessage.user_id.is_(None),
            OutboxMessage.status == "pending",
        )
    )


# --- fan-out ---------------------------------------------------------------------------------


def _unsubscribe_header(marker: str) -> str:
    url = email_url("updates.unsubscribe", secret=marker)
    address = (
        current_app.config.get("MAIL_UNSUBSCRIBE_ADDRESS")
        or parseaddr(current_app.config["MAIL_FROM"])[1]
    )
    value = f"<{url}>"
    if address:
        value += f", <mailto:{address}?subject=unsubscribe>"
    return value


def _spliced(text: str, marker: str) -> ColumnElement[Any]:
    """`text` as SQL, each `marker` replaced by the recipient's token (one statement for all)."""
    parts = text.split(marker)
    expr: ColumnElement[Any] = literal(parts[0], Text())
    for part in parts[1:]:
        expr = expr + UpdateSubscriber.token + literal(part, Text())
    return expr


def _recipients(kind: str, group_id: int | None) -> list[ColumnElement[bool]]:
    wants = getattr(UpdateSubscriber, f"wants_{kind}")
    follows: ColumnElement[bool] = UpdateSubscriber.site_wide.is_(True)
    if group_id is not None:
        follows = or_(
            follows,
            exists().where(
                UpdateSubscriberGroup.subscriber_id == UpdateSubscriber.id,
                UpdateSubscriberGroup.group_id == group_id,
            ),
        )
    return [UpdateSubscriber.status == SUB_CONFIRMED, wants.is_(True), follows]


def announce(kind: str, group_id: int | None, subject: Any, template: str, **context: Any) -> int:
    """Queue one e-mail per confirmed subscriber who follows `group_id` (or the site) and
    wants `kind`. `subject` is a lazy string, rendered in each subscriber's language.

    Per language: the body is rendered once with a random marker where the secret goes, then
    one INSERT ... SELECT writes every recipient's row. Returns the number of rows written.
    """
    if kind not in UPDATE_KINDS:
        raise ValueError(kind)
    marker = secrets.token_hex(12)
    now = utcnow()
    # The driver's row count of INSERT ... SELECT is not reliable (psycopg gives -1): count first.
    written = int(
        db.session.scalar(
            select(func.count(UpdateSubscriber.id)).where(*_recipients(kind, group_id))
        )
        or 0
    )
    if not written:
        return 0
    languages = available_languages()
    for language in languages:
        with force_locale(language):
            title = " ".join(str(subject).split())[:SUBJECT_MAX]
            body = render_template(
                f"emails/{template}.txt",
                manage_url=email_url("updates.manage", secret=marker),
                unsubscribe_url=email_url("updates.unsubscribe", secret=marker),
                **context,
            )
        speaks: ColumnElement[bool]
        if language == SOURCE_LANGUAGE:
            speaks = UpdateSubscriber.language.notin_([x for x in languages if x != language])
        else:
            speaks = UpdateSubscriber.language == language
        rows = select(
            UpdateSubscriber.email,
            literal(title, String()),
            _spliced(body, marker),
            _spliced(_unsubscribe_header(marker), marker),
            literal("pending", String()),
            literal(0, Integer()),
            literal(now, OutboxMessage.__table__.c.created_at.type),
            literal(now, OutboxMessage.__table__.c.next_attempt_at.type),
        ).where(speaks, *_recipients(kind, group_id))
        stmt = insert(OutboxMessage).from_select(
            [
                "to_addr",
                "subject",
                "body_text",
                "list_unsubscribe",
                "status",
                "attempts",
                "created_at",
                "next_attempt_at",
            ],
            rows,
        )
        db.session.execute(stmt)
    return written


def announce_once(
    key: str, kind: str, group_id: int | None, subject: Any, template: str, **context: Any
) -> int:
    """`announce`, unless the update named `key` was already sent (for hourly jobs)."""
    done = db.session.scalar(select(UpdateAnnouncement.id).where(UpdateAnnouncement.key == key))
    if done is not None:
        return 0
    db.session.add(UpdateAnnouncement(key=key[:100]))
    db.session.flush()
    return announce(kind, group_id, subject, template, **context)


# --- privacy ---------------------------------------------------------------------------------


def user_data_files(user: Any) -> dict[str, Any]:
    """Hook "user_data": the subscription of the signed-in person's address, if any."""
    mine = select(UpdateSubscriber.id).where(UpdateSubscriber.email == user.email.lower())
    return {
        "files": [
            (
                "update_subscriptions.json",
                table_rows(
                    UpdateSubscriber,
                    UpdateSubscriber.email == user.email.lower(),
                    leave_out=("token",),
                ),
            ),
            (
                "update_subscription_groups.json",
                table_rows(UpdateSubscriberGroup, UpdateSubscriberGroup.subscriber_id.in_(mine)),
            ),
        ]
    }


def erase_subscriptions(user: Any) -> dict[str, Any]:
    """Hook "user_erase": a person who erases their account loses the subscription too."""
    email = user.email.lower()
    ids = list(
        db.session.scalars(select(UpdateSubscriber.id).where(UpdateSubscriber.email == email))
    )
    if ids:
        db.session.execute(
            delete(UpdateSubscriberGroup).where(UpdateSubscriberGroup.subscriber_id.in_(ids))
        )
        db.session.execute(delete(UpdateSubscriber).where(UpdateSubscriber.id.in_(ids)))
        _drop_queued(email)
    return {}


def _purge(status: str, column: Any, before: datetime | None) -> int:
    if before is None:
        return 0
    ids = select(UpdateSubscriber.id).where(UpdateSubscriber.status == status, column < before)
    db.session.execute(
        delete(UpdateSubscriberGroup).where(UpdateSubscriberGroup.subscriber_id.in_(ids))
    )
    result = db.session.execute(
        delete(UpdateSubscriber).where(UpdateSubscriber.status == status, column < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def purge_steps(now: datetime) -> dict[str, list[Step]]:
    """Hook "purge": unconfirmed subscriptions and long-unsubscribed ones go."""
    return {
        "steps": [
            (
                "Unconfirmed update subscriptions",
                lambda: _purge(
                    SUB_PENDING, UpdateSubscriber.created_at, cutoff(now, "UPDATES_PENDING_DAYS")
                ),
            ),
            (
                "Unsubscribed update subscriptions",
                lambda: _purge(
                    SUB_UNSUBSCRIBED,
                    UpdateSubscriber.unsubscribed_at,
                    cutoff(now, "UPDATES_UNSUBSCRIBED_DAYS"),
                ),
            ),
        ]
    }
