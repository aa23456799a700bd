"""`flask consult ...`: demo data, outbox sending, digests, admin creation, counters."""

from __future__ import annotations

import importlib
import logging
import time
from typing import Any

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
    from consult.core.outbox import build_digests

    count = build_digests()
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


def _advancing(steps: list, bar: Any) -> Any:
    for step in steps:
        yield step
        bar.update(1)


@consult_cli.command("generate")
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True)
@click.option("--comments", type=int, default=None, help="Override the number of comments.")
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same data).")
def generate(scale: str, comments: int | None, seed: int | None) -> None:
    """Load benchmark data (bench/generate.py) into a fresh database, timed."""
    try:  # bench/ lives beside the package, importable from the project directory only
        from bench.generate import DEFAULT_SEED, GenerateError, analyze
        from bench.generate import generate as generate_data
    except ImportError as exc:
        raise click.ClickException(f"run this from the project directory ({exc})") from exc

    started = time.perf_counter()
    try:
        summary = generate_data(
            scale, seed=DEFAULT_SEED if seed is None else seed, comments=comments, echo=click.echo
        )
    except GenerateError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    analyze()
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Generated the {scale} scale in {elapsed:.1f}s on {db.engine.dialect.name}:")
    click.echo("  " + ", ".join(f"{n} {table}" for table, n in summary.counts.items()))
    click.echo(f"  accounts (password {summary.as_dict()['password']}):")
    for role, email in summary.accounts.items():
        click.echo(f"    {role:<12} {email}")
    click.echo(f"  thread of {summary.thread_comments} comments; pages:")
    for name, url in summary.urls().items():
        click.echo(f"    {name:<11} {url}")


def register(app: Flask) -> None:
    app.cli.add_command(consult_cli)
