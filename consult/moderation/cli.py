"""`flask consult cluster`: rebuild a version's similarity groups with a progress bar."""

from __future__ import annotations

import time

import click
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.drafts.models import Document, Version
from consult.extensions import db
from consult.moderation.similarity import rebuild_groups


def rebuild_command(slug: str, number: int) -> None:
    version = db.session.scalars(
        select(Version).join(Document).where(Document.slug == slug, Version.number == number)
    ).first()
    if version is None:
        raise click.ClickException(f"No version {number} of a document '{slug}'.")
    total = db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.version_id == version.id, Comment.parent_id.is_(None)
        )
    )
    started = time.perf_counter()
    with click.progressbar(length=max(int(total or 0), 1), label="Grouping comments") as bar:
        summary = rebuild_groups(version, step=bar.update)
    db.session.commit()
    for line in summary.lines():
        click.echo(line)
    click.echo(f"Rebuilt in {time.perf_counter() - started:.1f}s.")
