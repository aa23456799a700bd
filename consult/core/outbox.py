"""E-mail outbox: queue in the caller's transaction; `flask consult send-mail` delivers."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import current_app, render_template
from sqlalchemy import select

from consult.core.models import Notification, OutboxMessage
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)
SUBJECT_MAX = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def queue_mail(to_addr: str, subject: str, body_text: str, user: Any = None) -> OutboxMessage:
    """Write an e-mail to the outbox (sent later, only if the transaction commits)."""
    # A subject is a header: a line break from a user's text (a name, a title) must not end it.
    subject = " ".join(_CONTROL.sub(" ", subject).split())[:SUBJECT_MAX]
    message = OutboxMessage(
        to_addr=to_addr, subject=subject, body_text=body_text, user_id=getattr(user, "id", None)
    )
    db.session.add(message)
    return message


def queue_template(user: Any, subject: str, template: str, **context: Any) -> OutboxMessage:
    """Queue an e-mail to `user` rendered from templates/emails/<template>.txt."""
    body = render_template(f"emails/{template}.txt", user=user, **context)
    return queue_mail(user.email, subject, body, user=user)


def notify(user: Any, subject: str, template: str, **context: Any) -> None:
    """Tell a user something, respecting their choice: immediate, daily digest or none."""
    mode = getattr(user, "notify_mode", "immediate")
    if mode == "none":
        return
    if mode == "daily":
        body = render_template(f"emails/{template}.txt", user=user, **context)
        db.session.add(Notification(user_id=user.id, subject=subject, body_text=body))
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
        queue_template(
            user, f"Your daily digest: {len(notes)} update(s)", "digest", notifications=notes
        )
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
            message.last_error = f"cannot build the message: {type(exc).__name__}: {exc}"[:2000]
            logger.error("outbox message %s cannot be built: %s", message.id, exc)
            failed += 1
            db.session.commit()
            continue
        try:
            _smtp_send(email)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
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
