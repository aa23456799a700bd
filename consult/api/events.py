"""API resources of meetings: events with their agenda, participation by category, and, after
the event, minutes, recording, files and the questions to the chairs with their answers.

What the event page shows anybody, no more: the online link (for registered participants), who
registered and who asked are not published; files of a members-only meeting are listed only to
those who may download them, as on the page."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from consult.api import schemas as s
from consult.api.http import decode_cursor, encode_cursor, next_url, operation, page_limit, viewer
from consult.api.resources import _attachment_ref, _cursor, _group_summary, _url
from consult.core import permissions
from consult.db import utcnow
from consult.events import queries, services
from consult.events.models import Event, Question
from consult.extensions import db

MAX_ID = 2**31 - 1


def _summary(event: Event) -> s.EventSummary:
    return s.EventSummary(
        id=event.id,
        title=event.title,
        kind=event.kind,
        status=event.status,
        access=event.access,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        group=_group_summary(event.group),
        url=_url("api.get_event", event_id=event.id),
        html_url=_url("events.show_event", event_id=event.id),
        ics_url=_url("events.event_ics", event_id=event.id),
    )


@operation(
    "/events",
    response=s.EventPage,
    summary="Meetings and events",
    example="/api/v1/events",
    tag="events",
    paginated=True,
)
def list_events() -> s.EventPage:
    """Every event of every working group, cancelled ones included (their status says so), in
    the order they were announced."""
    after = decode_cursor(_cursor())
    limit = page_limit()
    stmt = select(Event).order_by(Event.id).limit(limit + 1)
    if after:
        stmt = stmt.where(Event.id > after[0])
    events = list(db.session.scalars(stmt))
    cursor = encode_cursor([events[limit - 1].id]) if len(events) > limit else None
    return s.EventPage(
        items=[_summary(e) for e in events[:limit]], next_cursor=cursor, next_url=next_url(cursor)
    )


def _categories(rows: list[tuple[str | None, int]]) -> list[s.CategoryCount]:
    return [s.CategoryCount(category=slug, count=count) for slug, count in rows]


def _question(question: Question) -> s.EventQuestion:
    return s.EventQuestion(
        id=question.id,
        body=question.body,
        category=question.category.slug if question.category else None,
        agenda_item=question.agenda_item.title if question.agenda_item else None,
        status=question.status,
        answer=question.answer,
        support=question.support_count,
        merged_into=question.merged_into_id,
    )


@operation(
    "/events/<int:event_id>",
    response=s.Event,
    summary="An event, its agenda and its outcome",
    example="/api/v1/events/1",
    tag="events",
)
def get_event(event_id: int) -> s.Event:
    """The event as its page shows it: agenda (with the provisions items refer to),
    registrations and attendance per stakeholder category, minutes, links and files, and the
    questions to the chairs with their answers (hidden ones left out)."""
    if event_id > MAX_ID:
        abort(404)
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    counts = queries.counts(event)
    past = event.is_past(utcnow())
    files = services.files_of(event) if permissions.can_download_event_file(viewer(), event) else []
    return s.Event(
        **_summary(event).model_dump(),
        description=event.description,
        place=event.place,
        capacity=event.capacity,
        registered=counts.get("registered", 0),
        waiting=counts.get("waiting", 0),
        registered_by_category=_categories(queries.registrations_by_slug(event)),
        attended_by_category=(
            _categories(queries.registrations_by_slug(event, attended=True)) if past else []
        ),
        agenda=[
            s.AgendaItem(
                position=item.position,
                title=item.title,
                provision_key=item.section.provision.key if item.section else None,
                provision_number=item.section.number if item.section else None,
            )
            for item in event.agenda
        ],
        minutes=event.minutes,
        recording_url=event.recording_url,
        slides_url=event.slides_url,
        files=[_attachment_ref(a) for a in files],
        questions=[_question(q) for q in queries.questions(event, "time") if not q.is_hidden],
    )
