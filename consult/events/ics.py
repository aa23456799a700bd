"""iCalendar output (the icalendar library): one event, a group's feed, a person's feed."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, url_for
from icalendar import Calendar
from icalendar import Event as VEvent

from consult.events.models import Event


def uid(event: Event) -> str:
    """Stable across edits, so calendar clients replace the entry instead of adding one."""
    return f"event-{event.id}@{current_app.config.get('SERVER_NAME') or 'consult'}"


def _vevent(event: Event, with_link: bool) -> VEvent:
    entry = VEvent()
    entry.add("uid", uid(event))
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", f"{event.title} ({event.kind_label})")
    entry.add("sequence", event.sequence)
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    page = url_for("events.show_event", event_id=event.id, _external=True)
    entry.add("url", page)
    where = [event.place] if event.place else []
    if with_link and event.online_url:
        where.append(event.online_url)
    if where:
        entry.add("location", " / ".join(where))
    entry.add("description", f"{event.group.name}\n{page}")
    return entry


def calendar(events: Iterable[Event], name: str, links_for: set[int] | None = None) -> bytes:
    """A VCALENDAR; the online link is included only for events in `links_for`."""
    cal = Calendar()
    cal.add("prodid", f"-//{current_app.config['SITE_NAME']}//events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("method", "PUBLISH")
    for event in events:
        cal.add_component(_vevent(event, event.id in (links_for or set())))
    return cal.to_ical()
