"""Times are stored UTC and shown in the display time zone (Europe/Brussels), zone named."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def display_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(display_zone()) if value else None


def format_datetime(value: datetime | None) -> str:
    """e.g. '3 March 2026, 17:00 CET (Europe/Brussels)'."""
    if value is None:
        return ""
    when = value.astimezone(display_zone())
    return f"{when.day} {when:%B %Y, %H:%M} {when.tzname()} ({display_zone().key})"


def format_date(value: datetime | None) -> str:
    if value is None:
        return ""
    when = value.astimezone(display_zone()) if isinstance(value, datetime) else value
    return f"{when.day} {when:%B %Y}"


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def parse_local(value: datetime | None) -> datetime | None:
    """A naive datetime typed in a form means display-zone wall time; return it in UTC."""
    if value is None:
        return None
    from datetime import UTC

    if value.tzinfo is None:
        value = value.replace(tzinfo=display_zone())
    return value.astimezone(UTC)
