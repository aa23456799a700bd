"""Publishing a version and its consultation window (re-exported by drafts.services)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.db import utcnow
from consult.drafts import updates, windows
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
            _(
                "Version %(number)s is published and can no longer be changed. "
                "Start a new version to make changes.",
                number=version.number,
            )
        )


# --- publishing and the consultation window ------------------------------------------------


def _check_window(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> None:
    if closes_at is not None and closes_at <= now:
        raise DraftError(
            _("The closing time has already passed: choose a time in the future."),
            field="closes_at",
        )
    if closes_at is not None and opens_at is not None and closes_at <= opens_at:
        raise DraftError(_("The consultation must close after it opens."), field="closes_at")


def _allow_window_change(version: Version) -> None:
    db.session.info.setdefault(WINDOW_CHANGE_KEY, set()).add(version.id)


def publish_version(
    version: Version,
    *,
    user: Any,
    changelog: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    close_open_window: bool = False,
) -> Version:
    """Freeze a version forever, set its consultation window, supersede the previous one.

    If the previous version's consultation is still open, publishing closes it early: that
    needs `close_open_window` (the publisher confirmed, having been shown the announced end),
    and the working group and everyone who commented on it are told.
    """
    require_editing(version)
    count = db.session.scalar(
        select(func.count(Section.id)).where(Section.version_id == version.id)
    )
    if not count:
        raise DraftError(
            _(
                "Version %(number)s is empty: import or add its text before publishing.",
                number=version.number,
            )
        )
    changelog = changelog.strip()
    if version.number > 1 and not changelog:
        raise DraftError(
            _("Say what changed since the previous version (the changelog)."), field="changelog"
        )
    now = utcnow()
    if closes_at is not None and opens_at is None:
        opens_at = now
    _check_window(opens_at, closes_at, now)
    still_open = open_predecessor(version, now)
    if still_open is not None and not close_open_window:
        raise DraftError(
            _(
                "The consultation on version %(number)s is still open, with %(end)s announced. "
                "Confirm that publishing closes it now; the working group and everyone who "
                "commented on it will be told.",
                number=still_open.number,
                end=windows.announced_end(still_open),
            ),
            field="close_open_window",
        )
    cut_short = []
    for previous in versions_of(version.document):
        if previous.status == STATUS_PUBLISHED and previous.id != version.id:
            previous.status = STATUS_SUPERSEDED
            if previous.window_state(now) == "open":
                # Comments belong to the newest text once it is out.
                _allow_window_change(previous)
                before = _window(previous)
                previous.closes_at = now
                event = audit.record(
                    user,
                    "version.window",
                    previous,
                    summary=f"Closed when version {version.number} was published",
                    before=before,
                    after=_window(previous),
                )
                event.data = {**event.data, "cut_short_by": version.number}
                cut_short.append((previous, event))
    version.status = STATUS_PUBLISHED
    version.changelog = changelog
    version.published_at = now
    version.published_by_id = user.id
    version.opens_at, version.closes_at = opens_at, closes_at
    db.session.flush()
    audit.record(user, "version.publish", version, summary=changelog, after=_window(version))
    _notify_members(version)
    updates.version_published(version)
    for previous, event in cut_short:
        change = windows.describe(event)
        windows.tell(previous, change.sentence if change else "", cut_short_by=version.number)
    return version


def open_predecessor(version: Version, now: datetime | None = None) -> Version | None:
    """The published version whose consultation publishing `version` would cut short."""
    now = now or utcnow()
    for previous in versions_of(version.document):
        if (
            previous.status == STATUS_PUBLISHED
            and previous.id != version.id
            and previous.window_state(now) == "open"
        ):
            return previous
    return None


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
            _l(
                "%(title)s: version %(number)s published",
                title=version.document.title,
                number=version.number,
            ),
            "version_published",
            version=version,
            document=version.document,
            link=link,
        )


def _link(endpoint: str, **values: Any) -> str:
    return email_url(endpoint, **values)


def _same_minute(typed: datetime | None, stored: datetime | None) -> datetime | None:
    """The stored time if the form shows it unchanged (forms show minutes, not seconds)."""
    if (
        typed is not None
        and stored is not None
        and typed == stored.replace(second=0, microsecond=0)
    ):
        return stored
    return typed


def set_window(
    version: Version,
    *,
    user: Any,
    opens_at: datetime | None,
    closes_at: datetime | None,
    reason: str = "",
) -> Version:
    """Change or extend the consultation window of the current published version, with a
    reason: recorded (audit), shown on the version page and e-mailed (outbox)."""
    if version.status == STATUS_EDITING:
        raise DraftError(_("Set the consultation window when you publish the version."))
    if version.status != STATUS_PUBLISHED:
        raise PublishedVersionError(
            _(
                "Version %(number)s has been superseded: its consultation cannot reopen.",
                number=version.number,
            )
        )
    now = utcnow()
    opens_at = _same_minute(opens_at, version.opens_at)
    closes_at = _same_minute(closes_at, version.closes_at)
    if opens_at is None and closes_at is not None:
        opens_at = version.opens_at or now
    if (opens_at, closes_at) == (version.opens_at, version.closes_at):
        raise DraftError(_("The window is unchanged."))
    reason = windows.check_reason(reason)
    if version.opens_at is not None and version.opens_at <= now and opens_at != version.opens_at:
        raise DraftError(
            _("The consultation has already opened: only its closing time can change."),
            field="opens_at",
        )
    if closes_at != version.closes_at:
        _check_window(opens_at, closes_at, now)
    elif closes_at is not None and opens_at is not None and closes_at <= opens_at:
        raise DraftError(_("The consultation must close after it opens."), field="closes_at")
    before = _window(version)
    _allow_window_change(version)
    version.opens_at, version.closes_at = opens_at, closes_at
    db.session.flush()
    event = audit.record(
        user, "version.window", version, summary=reason, before=before, after=_window(version)
    )
    event.data = {**event.data, "reason": reason}
    db.session.flush()
    change = windows.describe(event)
    windows.tell(version, change.sentence if change else reason, reason=reason)
    return version
