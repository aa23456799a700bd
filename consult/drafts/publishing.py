"""Publishing a version and its consultation window (re-exported by drafts.services)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from consult.core import audit, outbox
from consult.core.urls import email_url
from consult.db import utcnow
from consult.drafts.errors import DraftError, PublishedVersionError
from consult.drafts.models import (
    STATUS_EDITING,
    STATUS_PUBLISHED,
    STATUS_SUPERSEDED,
    WINDOW_CHANGE_KEY,
    Section,
    Version,
)
from consult.drafts.queries import versions_of
from consult.extensions import db
from consult.groups.notifications import members_to_notify


def require_editing(version: Version) -> None:
    if version.status != STATUS_EDITING:
        raise PublishedVersionError(
            f"Version {version.number} is published and can no longer be changed. "
            "Start a new version to make changes."
        )


# --- publishing and the consultation window ------------------------------------------------


def _check_window(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> None:
    if closes_at is not None and closes_at <= now:
        raise DraftError(
            "The closing time has already passed: choose a time in the future.",
            field="closes_at",
        )
    if closes_at is not None and opens_at is not None and closes_at <= opens_at:
        raise DraftError("The consultation must close after it opens.", field="closes_at")


def _allow_window_change(version: Version) -> None:
    db.session.info.setdefault(WINDOW_CHANGE_KEY, set()).add(version.id)


def publish_version(
    version: Version,
    *,
    user: Any,
    changelog: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> Version:
    """Freeze a version forever, set its consultation window, supersede the previous one."""
    require_editing(version)
    count = db.session.scalar(
        select(func.count(Section.id)).where(Section.version_id == version.id)
    )
    if not count:
        raise DraftError(
            f"Version {version.number} is empty: import or add its text before publishing."
        )
    changelog = changelog.strip()
    if version.number > 1 and not changelog:
        raise DraftError(
            "Say what changed since the previous version (the changelog).", field="changelog"
        )
    now = utcnow()
    if closes_at is not None and opens_at is None:
        opens_at = now
    _check_window(opens_at, closes_at, now)
    for previous in versions_of(version.document):
        if previous.status == STATUS_PUBLISHED and previous.id != version.id:
            previous.status = STATUS_SUPERSEDED
            if previous.window_state(now) == "open":
                # Comments belong to the newest text once it is out.
                _allow_window_change(previous)
                before = _window(previous)
                previous.closes_at = now
                audit.record(
                    user,
                    "version.window",
                    previous,
                    summary=f"Closed when version {version.number} was published",
                    before=before,
                    after=_window(previous),
                )
    version.status = STATUS_PUBLISHED
    version.changelog = changelog
    version.published_at = now
    version.published_by_id = user.id
    version.opens_at, version.closes_at = opens_at, closes_at
    db.session.flush()
    audit.record(user, "version.publish", version, summary=changelog, after=_window(version))
    _notify_members(version)
    return version


def _window(version: Version) -> dict[str, str | None]:
    return {
        "opens_at": version.opens_at.isoformat() if version.opens_at else None,
        "closes_at": version.closes_at.isoformat() if version.closes_at else None,
    }


def _notify_members(version: Version) -> None:
    users = members_to_notify(version.document.group, "versions")
    link = _link("drafts.show_version", slug=version.document.slug, number=version.number)
    for member in users:
        outbox.notify(
            member,
            f"{version.document.title}: version {version.number} published",
            "version_published",
            version=version,
            document=version.document,
            link=link,
        )


def _link(endpoint: str, **values: Any) -> str:
    return email_url(endpoint, **values)


def set_window(
    version: Version, *, user: Any, opens_at: datetime | None, closes_at: datetime | None
) -> Version:
    """Change or extend the consultation window of the current published version (audited)."""
    if version.status == STATUS_EDITING:
        raise DraftError("Set the consultation window when you publish the version.")
    if version.status != STATUS_PUBLISHED:
        raise PublishedVersionError(
            f"Version {version.number} has been superseded: its consultation cannot reopen."
        )
    now = utcnow()
    if opens_at is None and closes_at is not None:
        opens_at = version.opens_at or now
    if (opens_at, closes_at) == (version.opens_at, version.closes_at):
        raise DraftError("The window is unchanged.")
    if version.opens_at is not None and version.opens_at <= now and opens_at != version.opens_at:
        raise DraftError(
            "The consultation has already opened: only its closing time can change.",
            field="opens_at",
        )
    if closes_at != version.closes_at:
        _check_window(opens_at, closes_at, now)
    elif closes_at is not None and opens_at is not None and closes_at <= opens_at:
        raise DraftError("The consultation must close after it opens.", field="closes_at")
    before = _window(version)
    _allow_window_change(version)
    version.opens_at, version.closes_at = opens_at, closes_at
    db.session.flush()
    audit.record(user, "version.window", version, before=before, after=_window(version))
    return version
