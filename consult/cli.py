"""`flask consult ...`: demo data, mail, digests, admins, counters, retention, backups."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from consult.extensions import db

logger = logging.getLogger(__name__)
consult_cli = AppGroup("consult", help="Consult administration commands.")

# Each domain that has demo data provides demo.load(); they run in dependency order.
DEMO_MODULES = ("accounts", "groups", "drafts", "comments", "moderation", "adoption", "events")


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
    """E-mail members about their groups' consultations closing within 3 days, and drafters of
    organisation drafts still unapproved 48 hours before the close (run hourly)."""
    from consult.comments.workspace import warn_unapproved
    from consult.db import utcnow
    from consult.groups.notifications import queue_deadline_reminders

    now = utcnow()
    count = queue_deadline_reminders(now)
    warned = warn_unapproved(now)
    db.session.commit()
    click.echo(f"queued {count} deadline reminder(s), {warned} unapproved-draft warning(s)")


@consult_cli.command("send-report-reminders")
def send_report_reminders() -> None:
    """E-mail AI Pact report reminders: 30 and 7 days before, and overdue (each sent once)."""
    from consult.adoption.pledges import rounds, send_reminders

    with click.progressbar(length=len(rounds()), label="Report rounds") as bar:

        def advance(items: list) -> Any:
            for item in items:
                yield item
                bar.update(1)

        reminders, mails = send_reminders(progress_bar=advance)
    db.session.commit()
    click.echo(f"{reminders} reminder(s) sent in {mails} e-mail(s).")


@consult_cli.command("send-event-reminders")
def send_event_reminders() -> None:
    """E-mail participants of events starting within 24 hours, once each (run hourly)."""
    from consult.events.services import queue_reminders

    count = queue_reminders()
    db.session.commit()
    click.echo(f"queued {count} event reminder(s)")


@consult_cli.command("send-updates")
def send_updates() -> None:
    """E-mail subscribers about consultations that opened or closed (run hourly; each once)."""
    from consult.db import utcnow
    from consult.drafts.updates import announce_windows

    count = announce_windows(utcnow())
    db.session.commit()
    click.echo(f"queued {count} update e-mail(s)")


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


@consult_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from provisions, comments and dispositions."""
    from consult.search.indexing import reindex as rebuild

    started = time.perf_counter()
    with click.progressbar(length=1, label="Indexing") as bar:

        def progress(steps: list) -> list:
            bar.length = len(steps)
            return list(_advancing(steps, bar))

        counts = rebuild(progress)
    db.session.commit()
    click.echo(
        f"Search index rebuilt in {time.perf_counter() - started:.1f}s: "
        f"{counts['provision']} provisions, {counts['comment']} comments, "
        f"{counts['disposition']} responses."
    )


@consult_cli.command("purge")
def purge() -> None:
    """Delete what the retention settings say is kept no longer (run it daily from cron)."""
    from consult.core.retention import steps
    from consult.db import utcnow

    done: list[tuple[str, int]] = []
    planned = steps(utcnow())
    with click.progressbar(planned, label="Purging", item_show_func=lambda s: s and s[0]) as bar:
        for label, run in bar:
            done.append((label, run()))
            db.session.flush()
    db.session.commit()
    click.echo("Purged: " + "; ".join(f"{label}: {count}" for label, count in done) + ".")


@consult_cli.command("purge-attachments")
@click.option(
    "--older-than",
    type=click.IntRange(min=1),
    default=24,
    show_default=True,
    help="Hours since a file was written; newer files are kept (an upload may be in flight).",
)
@click.option("--dry-run", is_flag=True, help="Count what would go; remove nothing.")
def purge_attachments(older_than: int, dry_run: bool) -> None:
    """Remove stored files (and staged uploads) that no attachment refers to."""
    from datetime import timedelta

    from consult.attachments.purge import purge_orphans, store_files

    files = store_files()
    with click.progressbar(files, label="Checking stored files") as bar:
        outcome = purge_orphans(timedelta(hours=older_than), dry_run=dry_run, files=bar)
    if not dry_run:
        db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(
        f"{verb} {outcome.removed:,} orphan file(s), {outcome.removed_bytes:,} bytes; "
        f"kept {outcome.referenced:,} attached and {outcome.recent:,} newer than "
        f"{older_than} hour(s)."
    )


def _advancing(steps: list, bar: Any) -> Any:
    for step in steps:
        yield step
        bar.update(1)


@consult_cli.command("cluster")
@click.argument("slug")
@click.argument("number", type=int)
def cluster(slug: str, number: int) -> None:
    """Rebuild the similarity groups of version NUMBER of document SLUG."""
    from consult.moderation.cli import rebuild_command

    rebuild_command(slug, number)


@consult_cli.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup(target: Path) -> None:
    """Copy the live database to TARGET (SQLite backup API, or pg_dump custom format)."""
    from consult.core import backup as backups

    with click.progressbar(length=1, label="Backing up") as bar:
        try:
            summary = backups.backup(db.engine, target, _advance(bar))
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Backup of the {summary.dialect} database written to {summary.path} "
        f"({summary.bytes:,} bytes): {summary.total_rows:,} rows in {len(summary.rows)} tables."
    )


@consult_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Replace everything in the database with this backup?")
def restore(source: Path) -> None:
    """Replace the database's content with the backup SOURCE (stop the site first)."""
    from consult.core import backup as backups

    db.session.remove()
    with click.progressbar(length=1, label="Restoring") as bar:
        try:
            summary = backups.restore(db.engine, source, _advance(bar))
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Restored {summary.path} into the {summary.dialect} database: "
        f"{summary.total_rows:,} rows in {len(summary.rows)} tables."
    )


def _advance(bar: Any) -> Callable[[int, int], None]:
    def update(done: int, total: int) -> None:
        bar.length = max(total, 1)
        bar.update(done - bar.pos)

    return update


def register(app: Flask) -> None:
    app.cli.add_command(consult_cli)
