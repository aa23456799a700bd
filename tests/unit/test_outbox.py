"""Outbox delivery against a real SMTP server on a local socket (aiosmtpd), retries, digests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from consult.accounts.models import User
from consult.core import outbox
from consult.core.models import Notification, OutboxMessage
from consult.db import utcnow
from consult.extensions import db
from tests.factories import UserFactory


def load_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


class RecordingHandler:
    """Accepts messages (or refuses them with `reply`) and keeps what it received."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.reply: str | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        if self.reply:
            return self.reply
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(app, monkeypatch) -> Iterator[RecordingHandler]:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5.0)
    try:
        yield handler
    finally:
        controller.stop()


def queue(to: str = "ada@example.org", subject: str = "Hello") -> OutboxMessage:
    message = outbox.queue_mail(to, subject, "The consultation on version 2 is open.\n")
    db.session.commit()
    return message


def test_message_is_delivered_and_marked_sent(db, smtp):
    message = queue()
    assert message.status == "pending"
    assert outbox.send_pending() == (1, 0)
    assert message.status == "sent" and message.attempts == 1
    assert message.sent_at is not None and message.last_error is None
    [(mail_from, rcpt_tos, content)] = smtp.received
    assert rcpt_tos == ["ada@example.org"]
    assert "no-reply@consult.invalid" in mail_from
    email = message_from_bytes(content)
    assert email["Subject"] == "Hello" and email["To"] == "ada@example.org"
    assert f"outbox-{message.id}" in email["Message-ID"]
    assert "version 2 is open" in email.get_payload(decode=True).decode()
    assert outbox.send_pending() == (0, 0)  # never sent twice


def test_refused_message_is_retried_with_backoff(db, smtp):
    smtp.reply = "550 Mailbox unavailable"
    message = queue()
    before = utcnow()
    assert outbox.send_pending() == (0, 1)
    assert message.status == "pending" and message.sent_at is None
    assert message.attempts == 1
    assert "550" in message.last_error
    assert before + timedelta(minutes=2) <= message.next_attempt_at
    assert message.next_attempt_at <= utcnow() + timedelta(minutes=2)
    assert smtp.received == []
    # Not due yet: the next run leaves it alone.
    assert outbox.send_pending() == (0, 0) and message.attempts == 1
    # Once due, the second refusal waits twice as long.
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.send_pending() == (0, 1)
    assert message.attempts == 2
    assert message.next_attempt_at >= utcnow() + timedelta(minutes=3, seconds=50)
    # The server recovers: delivered on the next due attempt.
    smtp.reply = None
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert outbox.send_pending() == (1, 0)
    assert message.status == "sent" and message.attempts == 3 and len(smtp.received) == 1


def test_gives_up_after_max_attempts(app, db, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.reply = "554 Transaction failed"
    message = queue()
    for attempt in range(1, 4):
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert outbox.send_pending() == (0, 1)
        assert message.attempts == attempt
    assert message.status == "failed"
    assert outbox.send_pending() == (0, 0)


def test_server_down_means_retry_later(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nothing listens there
    message = queue()
    assert outbox.send_pending() == (0, 1)
    assert message.status == "pending" and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow()


def test_one_bad_message_does_not_block_the_others(db, smtp):
    first, second = queue("first@example.org"), queue("second@example.org")
    assert outbox.send_pending(limit=10) == (2, 0)
    assert first.status == second.status == "sent"
    assert [rcpt for _, (rcpt,), _ in smtp.received] == ["first@example.org", "second@example.org"]


def test_send_mail_command(app, db, smtp):
    queue()
    result = app.test_cli_runner().invoke(args=["consult", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0" in result.output
    assert len(smtp.received) == 1


def test_notify_respects_the_users_choice_and_digests_bundle(app, db):
    immediate = UserFactory(notify_mode="immediate")
    daily = UserFactory(notify_mode="daily", display_name="Daily Reader")
    silent = UserFactory(notify_mode="none")
    with app.test_request_context():
        for user in (immediate, daily, silent):
            outbox.notify(user, "Version 2 published", "password_changed")
            outbox.notify(user, "Deadline in 3 days", "password_changed")
        db.session.flush()
        mails = db.session.scalars(select(OutboxMessage)).all()
        assert {m.to_addr for m in mails} == {immediate.email}
        notes = db.session.scalars(select(Notification)).all()
        assert {n.user_id for n in notes} == {daily.id} and len(notes) == 2
        assert outbox.build_digests(load_user) == 1
    [digest] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == daily.email)
    ).all()
    assert digest.subject == "Your daily digest: 2 updates"
    assert "Hello Daily Reader" in digest.body_text
    assert "1. Version 2 published" in digest.body_text
    assert "2. Deadline in 3 days" in digest.body_text
    assert all(n.digested_at is not None for n in notes)
    with app.test_request_context():
        assert outbox.build_digests(load_user) == 0  # nothing new to bundle


def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_go_out(db, smtp):
    # A row written before subjects were cleaned (or by hand): a header with a line break.
    bad = OutboxMessage(to_addr="ada@example.org", subject="Hi\r\nBcc: x@evil", body_text="x")
    db.session.add(bad)
    db.session.commit()
    good = queue(to="bob@example.org")
    assert outbox.send_pending() == (1, 1)
    assert bad.status == "failed" and "cannot build" in (bad.last_error or "")
    assert good.status == "sent"
    assert [rcpt for _, rcpt, _ in smtp.received] == [["bob@example.org"]]
    assert outbox.send_pending() == (0, 0)  # the failed one is not retried forever


def test_subjects_lose_line_breaks_when_queued(db):
    message = outbox.queue_mail("ada@example.org", "Welcome, Ada\r\nBcc: x@evil", "Hello")
    assert message.subject == "Welcome, Ada Bcc: x@evil"
