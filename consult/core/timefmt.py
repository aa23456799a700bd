"""Times are stored UTC and shown in the display time zone (Europe/Brussels), zone named.

Dates, times and numbers are written by Babel in the language of the page (or of the e-mail's
recipient): "3 March 2026, 17:00 CET", "3. März 2026, 17:00 MEZ", "3 mars 2026, 17:00 CET".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone_name
from babel.numbers import format_decimal
from flask import current_app

# Day month year in every language (English reads "3 March 2026", not "March 3, 2026").
DATE_PATTERNS = {"de": "d. MMMM y"}
DEFAULT_DATE_PATTERN = "d MMMM y"


def display_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def wall_clock(days: int, hour: int, minute: int = 0) -> datetime:
    """A fixed wall-clock time in the display zone on a day relative to today, in UTC: the
    demo's meetings and consultation deadlines fall in office hours whatever time it is loaded
    (and across daylight-saving changes)."""
    from consult.db import utcnow

    zone = display_zone()
    today = utcnow().astimezone(zone).date()
    return datetime.combine(today + timedelta(days=days), time(hour, minute), zone).astimezone(UTC)


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(display_zone()) if value else None


def _locale() -> Locale:
    from flask_babel import get_locale

    try:
        return get_locale() or Locale("en")
    except RuntimeError:  # outside any application context
        return Locale("en")


def _zone_abbreviation(when: datetime, locale: Locale) -> str:
    """The zone's short name in this language (MEZ in German), else the usual CET/CEST."""
    name = get_timezone_name(when, "short", locale=locale, return_zone=False)
    if not name or name[0] in "+-" or name.startswith(("GMT", "UTC")):
        return when.tzname() or ""
    return name


def format_datetime(value: datetime | None) -> str:
    """e.g. '3 March 2026, 17:00 CET (Europe/Brussels)'; German '3. März 2026, 17:00 MEZ …'."""
    if value is None:
        return ""
    zone = display_zone()
    when = value.astimezone(zone)
    locale = _locale()
    pattern = DATE_PATTERNS.get(locale.language, DEFAULT_DATE_PATTERN) + ", HH:mm"
    text = babel_format_datetime(when, pattern, tzinfo=zone, locale=locale)
    return f"{text} {_zone_abbreviation(when, locale)} ({zone.key})"


def format_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    when = value.astimezone(display_zone()) if isinstance(value, datetime) else value
    locale = _locale()
    day = when.date() if isinstance(when, datetime) else when
    return babel_format_date(
        day, DATE_PATTERNS.get(locale.language, DEFAULT_DATE_PATTERN), locale=locale
    )


def format_number(value: int | float | None) -> str:
    """A count in the page's language: 1,234 / 1.234 / 1 234."""
    if value is None:
        return ""
    return format_decimal(value, locale=_locale())


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
