"""E-mail outbox: queue in the caller's transaction; `flask consult send-mail` delivers."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from consult.core.lazytext import lazy_ngettext
from consult.core.models import (
    MAIL_BODY_MAX,
    MAIL_ERROR_MAX,
    SUBJECT_MAX,
    Notification,
    OutboxMessage,
)
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line_subject(subject: str) -> str:
    """A subject is a header: a line break from a user's text (a name, a title) must not end it;
    and it is bounded (SUBJECT_MAX)."""
    return " ".join(_CONTROL.sub(" ", subject).split())[:SUBJECT_MAX]


def bounded_body(body: str) -> str:
    """An e-mail body within MAIL_BODY_MAX characters, saying so when it was cut."""
    if len(body) <= MAIL_BODY_MAX:
        return body
    marker = "\n\n[…]\n"
    return body[: MAIL_BODY_MAX - len(marker)] + marker


def recipient_language(user: Any) -> str:
    """The language a person reads their e-mails in: their profile's, else the site's."""
    from consult.core.i18n import normalise

    return normalise(getattr(user, "locale", None)) or current_app.config.get(
        "BABEL_DEFAULT_LOCALE", "en"
    )


@contextmanager
def recipient_locale(user: Any) -> Iterator[None]:
    """Render (gettext, dates, templates) in `user`'s language, whoever makes the request."""
    with force_locale(recipient_language(user)):
        yield


def queue_mail(to_addr: str, subject: Any, body_text: str, user: Any = None) -> OutboxMessage:
    """Write an e-mail to the outbox (sent later, only if the transaction commits).

    `subject` may be a lazy string (`lazy_gettext`): it is rendered in the recipient's language.
    """
    with recipient_locale(user):
        subject = str(subject)
    message = OutboxMessage(
        to_addr=to_addr,
        subject=one_line_subject(subject),
        body_text=bounded_body(body_text),
        user_id=getattr(user, "id", None),
    )
    db.session.add(message)
    return message


def _render(user: Any, subject: Any, template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of an e-mail, in the recipient's language."""
    with recipient_locale(user):
        body = render_template(f"emails/{template}.txt", user=user, **context)
        return str(subject), body


def queue_template(user: Any, subject: Any, template: str, **context: Any) -> OutboxMessage:
    """Queue an e-mail to `user` rendered from templates/emails/<template>.txt.

    Pass the subject as `lazy_gettext(...)`: it and the body are rendered in the recipient's
    language (their profile's), not the language of whoever caused the e-mail.
    """
    subject_text, body = _render(user, subject, template, context)
    return queue_mail(user.email, subject_text, body, user=user)


def notify(user: Any, subject: Any, template: str, **context: Any) -> None:
    """Tell a user something, respecting their choice: immediate, daily digest or none."""
    mode = getattr(user, "notify_mode", "immediate")
    if mode == "none":
        return
    if mode == "daily":
        subject_text, body = _render(user, subject, template, context)
        db.session.add(
            Notification(
                user_id=user.id,
                subject=one_line_subject(subject_text),
                body_text=bounded_body(body),
            )
        )
        return
    queue_template(user, subject, template, **context)


def build_digests(load_user: Callable[[int], Any]) -> int:
    """Bundle each daily-digest user's pending notifications into one e-mail.

    `load_user(id)` returns the recipient (or None): core knows no domain model itself.
    """
    pending = db.session.scalars(
        select(Notification)
        .where(Notification.digested_at.is_(None))
        .order_by(Notification.user_id, Notification.created_at)
    ).all()
    by_user: dict[int, list[Notification]] = {}
    for note in pending:
        by_user.setdefault(note.user_id, []).append(note)
    now = utcnow()
    for user_id, notes in by_user.items():
        user = load_user(user_id)
        if user is None:
            continue
        subject = lazy_ngettext(
            "Your daily digest: %(num)s update", "Your daily digest: %(num)s updates", len(notes)
        )
        queue_template(user, subject, "digest", notifications=notes)
        for note in notes:
            note.digested_at = now
    db.session.flush()
    return len(by_user)


def _build(message: OutboxMessage) -> EmailMessage:
    """The MIME message; raises (ValueError, ...) when the row cannot make a valid e-mail."""
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_addr
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    if message.list_unsubscribe:
        # RFC 8058: mail clients offer one-click unsubscribe, POSTing to the https address.
        email["List-Unsubscribe"] = message.list_unsubscribe
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text)
    return email


def _smtp_send(email: EmailMessage) -> None:
    cfg = current_app.config
    smtp_cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        # send_message raises unless the server accepted the message for every recipient.
        smtp.send_message(email)


def send_pending(limit: int = 100) -> tuple[int, int]:
    """Send due messages, committing after each; returns (sent, failed attempts).

    Rows are locked with SKIP LOCKED on PostgreSQL, so several senders never send one
    message twice. A message is marked sent only after the SMTP server accepted it.
    """
    sent = failed = 0
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    for _ in range(limit):
        stmt = (
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        message = db.session.scalars(stmt).first()
        if message is None:
            break
        try:
            email = _build(message)
        except Exception as exc:
            # Retrying cannot help a message that cannot be built: fail it now, visibly (the
            # admin dashboard lists failed e-mails), and go on with the rest of the queue.
            message.attempts += 1
            message.status = "failed"
            message.last_error = f"cannot build the message: {type(exc).__name__}: {exc}"[
                :MAIL_ERROR_MAX
            ]
            logger.error("outbox message %s cannot be built: %s", message.id, exc)
            failed += 1
            db.session.commit()
            continue
        try:
            _smtp_send(email)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:MAIL_ERROR_MAX]
            if message.attempts >= max_attempts:
                message.status = "failed"
                logger.error("giving up on outbox message %s: %s", message.id, exc)
            else:
                delay = min(timedelta(minutes=2**message.attempts), MAX_BACKOFF)
                message.next_attempt_at = utcnow() + delay
            failed += 1
        else:
            message.status = "sent"
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        db.session.commit()
    return sent, failed
