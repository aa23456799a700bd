"""Working-group notifications: who wants to hear of versions, deadline reminders."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import lazyload
from werkzeug.routing import BuildError

from consult.accounts.models import User
from consult.core import outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.extensions import db
from consult.groups.models import (
    STATUS_APPROVED,
    DeadlineReminder,
    Membership,
    WorkingGroup,
)

logger = logging.getLogger(__name__)

REMINDER_WINDOW = timedelta(days=3)
NOTIFY_KINDS = {"versions": Membership.notify_versions, "deadlines": Membership.notify_deadlines}


# --- notifications --------------------------------------------------------------------------


def members_to_notify(group: WorkingGroup, kind: str) -> list[User]:
    """Approved members (observers included) who want e-mails of `kind`: "versions" or
    "deadlines" (one query). Called by drafts/moderation when a version is published."""
    wants = NOTIFY_KINDS[kind]
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == group.id,
                Membership.status == STATUS_APPROVED,
                wants.is_(True),
                User.is_disabled.is_(False),
                User.email_verified_at.is_not(None),
            )
            .options(lazyload(User.memberships))
            .order_by(User.id)
        )
    )


def _version_link(slug: str, number: int, group: WorkingGroup) -> str:
    try:
        return email_url("drafts.show_version", slug=slug, number=number)
    except BuildError:  # drafts not mounted (e.g. a trimmed test app): the group page lists it
        return email_url("groups.show_group", slug=group.slug)


def queue_deadline_reminders(now: datetime) -> int:
    """E-mail members about open consultations of their groups closing within three days,
    once per member and version (DeadlineReminder rows); returns the number queued."""
    # Versions belong to the drafts domain above this one: read its tables, not its classes.
    versions = db.metadata.tables["versions"]
    documents = db.metadata.tables["documents"]
    closing = db.session.execute(
        select(
            versions.c.id,
            versions.c.number,
            versions.c.closes_at,
            documents.c.slug,
            documents.c.title,
            documents.c.group_id,
        )
        .join(documents, documents.c.id == versions.c.document_id)
        .where(
            versions.c.status == "published",
            versions.c.opens_at <= now,
            versions.c.closes_at > now,
            versions.c.closes_at <= now + REMINDER_WINDOW,
        )
        .order_by(versions.c.closes_at)
    ).all()
    queued = 0
    for version_id, number, closes_at, slug, title, group_id in closing:
        group = db.session.get(WorkingGroup, group_id)
        if group is None:
            continue
        already = exists().where(
            and_(DeadlineReminder.version_id == version_id, DeadlineReminder.user_id == User.id)
        )
        recipients = db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == group_id,
                Membership.status == STATUS_APPROVED,
                Membership.notify_deadlines.is_(True),
                User.is_disabled.is_(False),
                User.email_verified_at.is_not(None),
                ~already,
            )
            .options(lazyload(User.memberships))
        ).all()
        if not recipients:
            continue
        link = _version_link(slug, number, group)
        for user in recipients:
            db.session.add(DeadlineReminder(version_id=version_id, user_id=user.id, sent_at=now))
            outbox.notify(
                user,
                _l(
                    "Consultation closing soon: %(title)s, version %(number)s",
                    title=title,
                    number=number,
                ),
                "deadline_reminder",
                group=group,
                title=title,
                number=number,
                closes_at=closes_at,
                link=link,
            )
            queued += 1
        db.session.flush()
    logger.info("queued %s deadline reminder(s)", queued)
    return queued
