"""Consultation windows changed in the open: the record of each change, and who is told."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _

from consult.core import audit, hooks, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.timefmt import display_zone, format_date
from consult.core.urls import email_url
from consult.drafts.errors import DraftError
from consult.drafts.models import Version
from consult.groups.notifications import members_to_notify

logger = logging.getLogger(__name__)

REASON_MAX = 1000


def when(value: datetime | None) -> str:
    """e.g. '19 December 2026, 17:00' in the display zone (the zone is named once per line)."""
    if value is None:
        return _("no closing time")
    local = value.astimezone(display_zone())
    return format_datetime(local, "d MMMM y, HH:mm", locale=get_locale() or "en")


def announced_end(version: Version) -> str:
    """The announced end of a version's window, as a sentence fragment naming the zone."""
    if version.closes_at is None:
        return _("no announced closing time")
    return _("%(when)s (%(zone)s time)", when=when(version.closes_at), zone=display_zone().key)


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DraftError(
            _(
                "Say why the window changes: the reason is shown on the version page and e-mailed "
                "to the working group and everyone who commented."
            ),
            field="reason",
        )
    if len(reason) > REASON_MAX:
        raise DraftError(
            _("Keep the reason under %(max)s characters.", max=REASON_MAX), field="reason"
        )
    return reason


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class WindowChange:
    """One recorded change of a published version's window, told as a sentence."""

    at: datetime
    sentence: str


def describe(event: Any) -> WindowChange | None:
    """The sentence for a "version.window" audit event; None for other events."""
    if event.action != "version.window":
        return None
    data = event.data or {}
    before, after = data.get("before") or {}, data.get("after") or {}
    old_close, new_close = _parse(before.get("closes_at")), _parse(after.get("closes_at"))
    old_open, new_open = _parse(before.get("opens_at")), _parse(after.get("opens_at"))
    day = format_date(event.at)
    reason = data.get("reason") or event.summary or ""
    if data.get("cut_short_by"):
        sentence = _(
            "Closed on %(day)s, when version %(number)s was published, instead of %(old)s",
            day=day,
            number=data["cut_short_by"],
            old=when(old_close),
        )
    elif old_close != new_close:
        earlier = new_close is not None and (old_close is None or new_close < old_close)
        sentence = (
            _(
                "Shortened on %(day)s from %(old)s to %(new)s",
                day=day,
                old=when(old_close),
                new=when(new_close),
            )
            if earlier
            else _(
                "Extended on %(day)s from %(old)s to %(new)s",
                day=day,
                old=when(old_close),
                new=when(new_close),
            )
        )
    elif old_open != new_open:
        sentence = _(
            "Opening moved on %(day)s from %(old)s to %(new)s",
            day=day,
            old=when(old_open),
            new=when(new_open),
        )
    else:
        sentence = _("Changed on %(day)s", day=day)
    sentence = _("%(sentence)s (%(zone)s time)", sentence=sentence, zone=display_zone().key)
    if reason and not data.get("cut_short_by"):
        sentence = _("%(sentence)s: %(reason)s", sentence=sentence, reason=reason)
    return WindowChange(at=event.at, sentence=sentence)


def changes_of(version: Version) -> list[WindowChange]:
    """Every change of the version's window after publication, oldest first."""
    found = (describe(e) for e in audit.events_for(version, "version.window"))
    return [change for change in found if change is not None]


def audience(version: Version) -> list[Any]:
    """Members of the group who want deadline e-mails, and everyone who commented on the
    version (given by the comments domain through the "version_audience" hook), once each."""
    people = {u.id: u for u in members_to_notify(version.document.group, "deadlines")}
    for user in hooks.collect("version_audience", version=version).get("people", []):
        people.setdefault(user.id, user)
    return [people[key] for key in sorted(people)]


def tell(
    version: Version, change: str, *, reason: str = "", cut_short_by: int | None = None
) -> int:
    """E-mail the audience that the window of `version` changed; returns how many were told."""
    link = email_url("drafts.show_version", slug=version.document.slug, number=version.number)
    people = audience(version)
    for person in people:
        outbox.notify(
            person,
            _l(
                "%(title)s: the consultation on version %(number)s has closed",
                title=version.document.title,
                number=version.number,
            )
            if cut_short_by
            else _l(
                "%(title)s: the consultation on version %(number)s has a new deadline",
                title=version.document.title,
                number=version.number,
            ),
            "window_changed",
            version=version,
            document=version.document,
            change=change,
            reason=reason,
            cut_short_by=cut_short_by,
            link=link,
        )
    logger.info("window change of version %s told to %s people", version.id, len(people))
    return len(people)
