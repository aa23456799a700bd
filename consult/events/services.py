"""Event services: schedule, change, cancel, register, waiting list, questions, outcome."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.affiliation import speaking_for
from consult.attachments import services as attachments
from consult.attachments.models import Attachment
from consult.attachments.storage import StagedFile
from consult.core import audit
from consult.core.lazytext import lazy_gettext as _l
from consult.core.outbox import queue_template
from consult.core.urls import email_url
from consult.db import utcnow
from consult.events.models import (
    EVENT_CANCELLED,
    EVENT_SCHEDULED,
    Q_ANSWERED,
    Q_IN_MEETING,
    Q_MERGED,
    Q_OPEN,
    REG_CANCELLED,
    REG_INVITED,
    REG_REGISTERED,
    REG_WAITING,
    REPORT_DISMISSED,
    REPORT_OPEN,
    REPORT_UPHELD,
    AgendaItem,
    CalendarToken,
    Event,
    Question,
    QuestionReport,
    QuestionSupport,
    Registration,
)
from consult.extensions import db
from consult.groups.update_models import KIND_EVENTS
from consult.groups.updates import announce

EDITABLE = (
    "title", "kind", "starts_at", "ends_at", "description", "online_url", "place", "access",
    "capacity",
)  # fmt: skip


OWNER_EVENT = "event"  # attachments: slides and other files of an event


class EventError(ValueError):
    """A request the event's state does not allow, with a message for the person and, where
    one field is at fault, its name (shown beside it by `show_refusal`)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _mail(user: Any, subject: Any, template: str, event: Event, **context: Any) -> None:
    link = email_url("events.show_event", event_id=event.id)
    queue_template(user, subject, template, event=event, link=link, **context)


def _announce(event: Event, change: str) -> None:
    """Tell subscribers of the group (and of the site): announced, moved or cancelled."""
    subjects = {
        "announced": _l("New event: %(title)s", title=event.title),
        "moved": _l("New time: %(title)s", title=event.title),
        "cancelled": _l("Cancelled: %(title)s", title=event.title),
    }
    link = email_url("events.show_event", event_id=event.id)
    announce(
        KIND_EVENTS, event.group_id, subjects[change], "update_event",
        event=event, change=change, link=link,
    )  # fmt: skip


def _category_id(user: Any) -> int | None:
    category = speaking_for(user).category
    return category.id if category is not None else None


def _set_agenda(event: Event, agenda: list[tuple[str, int | None]]) -> None:
    event.agenda.clear()
    db.session.flush()
    for position, (title, section_id) in enumerate(agenda):
        event.agenda.append(AgendaItem(position=position, title=title, section_id=section_id))


def create_event(
    group: Any, actor: Any, agenda: list[tuple[str, int | None]], **fields: Any
) -> Event:
    if fields["ends_at"] <= fields["starts_at"]:
        raise EventError(_("The event must end after it starts."))
    event = Event(group_id=group.id, created_by_id=actor.id, **fields)
    db.session.add(event)
    _set_agenda(event, agenda)
    db.session.flush()
    audit.record(actor, "event.create", event, summary=event.title)
    if event.status == EVENT_SCHEDULED and not event.is_past():
        _announce(event, "announced")
    return event


def update_event(
    event: Event, actor: Any, agenda: list[tuple[str, int | None]], **fields: Any
) -> bool:
    """Change an event; a new time is e-mailed to participants. Returns whether time changed."""
    if event.is_cancelled:
        raise EventError(_("A cancelled event cannot be changed."))
    if fields["ends_at"] <= fields["starts_at"]:
        raise EventError(_("The event must end after it starts."))
    before = {"starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat()}
    moved = fields["starts_at"] != event.starts_at or fields["ends_at"] != event.ends_at
    for name in EDITABLE:
        setattr(event, name, fields[name])
    _set_agenda(event, agenda)
    event.sequence += 1
    if moved:
        for registration in participants(event):
            registration.reminded_at = None
            _mail(
                registration.user,
                _l("New time: %(title)s", title=event.title),
                "event_moved",
                event,
            )
    db.session.flush()
    _promote(event)
    if moved and not event.is_past():
        _announce(event, "moved")
    audit.record(actor, "event.update", event, summary=event.title, before=before)
    return moved


def cancel_event(event: Event, actor: Any, reason: str) -> None:
    if event.is_cancelled:
        raise EventError(_("This event is already cancelled."))
    event.status = EVENT_CANCELLED
    event.sequence += 1
    for registration in participants(event, waiting=True):
        _mail(
            registration.user,
            _l("Cancelled: %(title)s", title=event.title),
            "event_cancelled",
            event,
            reason=reason,
        )
    db.session.flush()
    if not event.is_past():
        _announce(event, "cancelled")
    audit.record(actor, "event.cancel", event, summary=reason)


def participants(event: Event, waiting: bool = False) -> list[Registration]:
    statuses = (REG_REGISTERED, REG_WAITING) if waiting else (REG_REGISTERED,)
    stmt = select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(statuses)
    )
    return list(db.session.scalars(stmt.order_by(Registration.id)))


def registration_of(event: Event, user: Any) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.user_id == user.id
        )
    ).first()


def _registered_count(event: Event) -> int:
    stmt = select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == REG_REGISTERED
    )
    return int(db.session.scalar(stmt) or 0)


def _has_room(event: Event) -> bool:
    return event.capacity is None or _registered_count(event) < event.capacity


def register(event: Event, user: Any) -> Registration:
    """Register `user`, or put them on the waiting list when the event is full."""
    registration = registration_of(event, user)
    if registration is None:
        registration = Registration(event_id=event.id, user_id=user.id, status=REG_CANCELLED)
        db.session.add(registration)
    elif registration.status in (REG_REGISTERED, REG_WAITING):
        raise EventError(_("You are already registered."))
    # The waiting list is first come, first served: re-joining puts you at its end.
    registration.status = REG_REGISTERED if _has_room(event) else REG_WAITING
    registration.category_id = _category_id(user)
    registration.updated_at = utcnow()
    db.session.flush()
    return registration


def cancel_registration(event: Event, user: Any) -> Registration | None:
    """Withdraw; the first person on the waiting list moves up. Returns who moved up."""
    registration = registration_of(event, user)
    if registration is None or registration.status not in (REG_REGISTERED, REG_WAITING):
        raise EventError(_("You are not registered for this event."))
    registration.status = REG_CANCELLED
    db.session.flush()
    promoted = _promote(event)
    return promoted[0] if promoted else None


def _promote(event: Event) -> list[Registration]:
    """Move people up from the waiting list while there is room, telling each by e-mail."""
    promoted: list[Registration] = []
    if event.is_cancelled or event.is_past():
        return promoted
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == REG_WAITING)
        .order_by(Registration.updated_at, Registration.id)
    ).all()
    for registration in waiting:
        if not _has_room(event):
            break
        registration.status = REG_REGISTERED
        db.session.flush()
        _mail(
            registration.user,
            _l("You have a place: %(title)s", title=event.title),
            "event_promoted",
            event,
        )
        promoted.append(registration)
    return promoted


def invite(event: Event, user: Any, actor: Any) -> Registration:
    registration = registration_of(event, user)
    if registration is not None and registration.status in (REG_REGISTERED, REG_WAITING):
        raise EventError(_("That person is already registered."))
    if registration is None:
        registration = Registration(event_id=event.id, user_id=user.id, status=REG_INVITED)
        db.session.add(registration)
    registration.status = REG_INVITED
    db.session.flush()
    _mail(user, _l("Invitation: %(title)s", title=event.title), "event_invited", event)
    audit.record(actor, "event.invite", event, summary=user.email)
    return registration


def ask_question(event: Event, user: Any, body: str, agenda_item_id: int | None) -> Question:
    if agenda_item_id is not None and agenda_item_id not in {item.id for item in event.agenda}:
        raise EventError(_("Choose an item of this event's agenda."), field="agenda_item_id")
    question = Question(
        event_id=event.id,
        author_id=user.id,
        category_id=_category_id(user),
        agenda_item_id=agenda_item_id,
        body=body,
    )
    db.session.add(question)
    db.session.flush()
    return question


def support_question(question: Question, user: Any) -> bool:
    """Support a question once; returns False if the person already supported it."""
    exists = db.session.scalar(
        select(QuestionSupport.id).where(
            QuestionSupport.question_id == question.id, QuestionSupport.user_id == user.id
        )
    )
    if exists is not None:
        return False
    db.session.add(
        QuestionSupport(question_id=question.id, user_id=user.id, category_id=_category_id(user))
    )
    question.support_count += 1
    db.session.flush()
    return True


def answer_question(question: Question, actor: Any, answer: str, in_meeting: bool) -> None:
    if question.status == Q_MERGED:
        raise EventError(_("This question was merged into another; answer that one."))
    question.status = Q_IN_MEETING if in_meeting else Q_ANSWERED
    question.answer = answer
    question.answered_by_id = actor.id
    db.session.flush()
    audit.record(actor, "question.answer", question, summary=question.status)


def merge_question(question: Question, into: Question, actor: Any) -> int:
    """Merge a duplicate: its supporters (not already there) move to `into`. Returns moved."""
    if question.id == into.id or into.event_id != question.event_id:
        raise EventError(_("Choose another question of the same event."))
    if into.status == Q_MERGED or question.status != Q_OPEN:
        raise EventError(_("Only an open question can be merged, into one not merged itself."))
    already = set(
        db.session.scalars(
            select(QuestionSupport.user_id).where(QuestionSupport.question_id == into.id)
        )
    ) | {into.author_id}
    moved = 0
    for support in db.session.scalars(
        select(QuestionSupport).where(QuestionSupport.question_id == question.id)
    ):
        if support.user_id not in already:
            support.question_id = into.id
            moved += 1
    into.support_count += moved
    question.support_count -= moved
    question.status = Q_MERGED
    question.merged_into_id = into.id
    db.session.flush()
    audit.record(actor, "question.merge", question, after={"into": into.id, "moved": moved})
    return moved


def report_question(question: Question, user: Any, reason: str) -> QuestionReport:
    """Queue a report for the group's moderators (one per person and question)."""
    report = db.session.scalars(
        select(QuestionReport).where(
            QuestionReport.question_id == question.id, QuestionReport.reporter_id == user.id
        )
    ).first()
    if report is None:
        report = QuestionReport(question_id=question.id, reporter_id=user.id, reason=reason)
        db.session.add(report)
        question.reported_count += 1
    else:
        report.reason = reason
        report.status = REPORT_OPEN
        report.resolved_at = None
        report.resolved_by_id = None
    db.session.flush()
    audit.record(user, "question.report", question, summary=reason)
    return report


def _resolve_reports(question: Question, actor: Any, status: str) -> int:
    reports = db.session.scalars(
        select(QuestionReport).where(
            QuestionReport.question_id == question.id, QuestionReport.status == REPORT_OPEN
        )
    ).all()
    for report in reports:
        report.status = status
        report.resolved_by_id = actor.id
        report.resolved_at = utcnow()
    return len(reports)


def uphold_question_report(report: QuestionReport, actor: Any, reason: str) -> None:
    """Hide the question with a reason; every open report on it is upheld."""
    question = report.question
    question.hidden_reason = reason
    _resolve_reports(question, actor, REPORT_UPHELD)
    db.session.flush()
    audit.record(actor, "question.report.uphold", question, summary=reason)


def dismiss_question_report(report: QuestionReport, actor: Any) -> None:
    """Keep the question visible; every open report on it is dismissed."""
    _resolve_reports(report.question, actor, REPORT_DISMISSED)
    db.session.flush()
    audit.record(actor, "question.report.dismiss", report.question, summary=f"report {report.id}")


def hide_question(question: Question, actor: Any, reason: str) -> None:
    question.hidden_reason = reason
    _resolve_reports(question, actor, REPORT_UPHELD)
    db.session.flush()
    audit.record(actor, "question.hide", question, summary=reason)


def record_outcome(
    event: Event, actor: Any, files: Sequence[StagedFile] = (), **fields: Any
) -> list[Attachment]:
    """Minutes, links and files (slides and other documents) of an event, audited."""
    for name in ("minutes", "recording_url", "slides_url"):
        setattr(event, name, fields[name])
    try:
        added = attachments.attach(OWNER_EVENT, event.id, files, user=actor)
    except attachments.AttachmentError as error:
        raise EventError(str(error), field="files") from error
    db.session.flush()
    audit.record(
        actor,
        "event.outcome",
        event,
        summary=event.title,
        after={"files": [item.filename for item in added]} if added else None,
    )
    return added


def files_of(event: Event) -> list[Attachment]:
    return attachments.attachments_of(OWNER_EVENT, [event.id]).get(event.id, [])


def remove_file(event: Event, attachment: Attachment, actor: Any) -> None:
    """Unlink a file from the event (the stored content stays, others may share it); audited."""
    if attachment.owner_type != OWNER_EVENT or attachment.owner_id != event.id:
        raise EventError(_("This file does not belong to the event."))
    name = attachment.filename
    attachments.remove_attachment(attachment)
    audit.record(actor, "event.file.remove", event, summary=name)


def record_attendance(event: Event, actor: Any, attended_ids: set[int]) -> int:
    count = 0
    for registration in participants(event):
        registration.attended = registration.user_id in attended_ids
        count += registration.attended
    db.session.flush()
    audit.record(actor, "event.attendance", event, after={"attended": count})
    return count


def calendar_token(user: Any, renew: bool = False) -> CalendarToken:
    token = db.session.scalars(
        select(CalendarToken).where(CalendarToken.user_id == user.id)
    ).first()
    if token is None:
        token = CalendarToken(user_id=user.id, token=secrets.token_urlsafe(32))
        db.session.add(token)
    elif renew:
        token.token = secrets.token_urlsafe(32)
    db.session.flush()
    return token


def queue_reminders(now: datetime | None = None) -> int:
    """E-mail each participant once, in the 24 hours before the event (idempotent)."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == REG_REGISTERED,
            Registration.reminded_at.is_(None),
            Event.status != EVENT_CANCELLED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=24),
        )
        .order_by(Registration.id)
    ).all()
    for registration in due:
        _mail(
            registration.user,
            _l("Tomorrow: %(title)s", title=registration.event.title),
            "event_reminder",
            registration.event,
        )
        registration.reminded_at = now
    db.session.flush()
    return len(due)
