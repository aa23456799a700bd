"""`flask consult ...`: demo data, outbox sending, digests, admin creation, counters."""

from __future__ import annotations

import importlib
import logging
import time

import click
from flask import Flask
from flask.cli import AppGroup

from consult.extensions import db

logger = logging.getLogger(__name__)
consult_cli = AppGroup("consult", help="Consult administration commands.")

# Each domain that has demo data provides demo.load(); they run in dependency order.
DEMO_MODULES = ("accounts", "groups", "drafts", "comments", "moderation")


@consult_cli.command("demo")
def demo() -> None:
    """Load the demo consultation (idempotent: does nothing if it is already there)."""
    from consult.accounts.demo import is_loaded

    if is_loaded():
        click.echo("Demo data already loaded.")
        return
    started = time.perf_counter()
    context: dict = {}
    for name in DEMO_MODULES:
        try:
            module = importlib.import_module(f"consult.{name}.demo")
        except ModuleNotFoundError:
            continue
        module.load(context)
        db.session.flush()
    db.session.commit()
    click.echo(f"Demo data loaded in {time.perf_counter() - started:.1f}s.")


@consult_cli.command("send-mail")
@click.option("--limit", default=100, show_default=True, help="Messages to try in this run.")
@click.option("--loop", is_flag=True, help="Keep running, polling every --interval seconds.")
@click.option("--interval", default=30, show_default=True)
def send_mail(limit: int, loop: bool, interval: int) -> None:
    """Send due e-mails from the outbox (safe to run in several processes at once)."""
    from consult.core.outbox import send_pending

    while True:
        sent, failed = send_pending(limit)
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)


@consult_cli.command("send-digests")
def send_digests() -> None:
    """Bundle daily-digest notifications into one e-mail per user (run once a day)."""
    from consult.accounts.models import User
    from consult.core.outbox import build_digests

    count = build_digests(lambda user_id: db.session.get(User, user_id))
    db.session.commit()
    click.echo(f"queued {count} digest(s)")


@consult_cli.command("send-deadline-reminders")
def send_deadline_reminders() -> None:
    """E-mail members about their groups' consultations closing within 3 days (run hourly)."""
    from consult.db import utcnow
    from consult.groups.notifications import queue_deadline_reminders

    count = queue_deadline_reminders(utcnow())
    db.session.commit()
    click.echo(f"queued {count} deadline reminder(s)")


@consult_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt="Display name")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create a verified administrator account (or promote an existing user)."""
    from consult.accounts.services import create_admin_user

    user = create_admin_user(email, name, password)
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")


@consult_cli.command("recount")
def recount() -> None:
    """Rebuild the comment counters (per section and category) from the comments."""
    from consult.comments.counts import recount as recount_comments

    rows = recount_comments()
    db.session.commit()
    click.echo(f"comment counters rebuilt: {rows} row(s)")


def register(app: Flask) -> None:
    app.cli.add_command(consult_cli)
