"""Read-only queries of the events domain (bounded query counts per page)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from consult.accounts.models import StakeholderCategory
from consult.db import utcnow
from consult.events.models import (
    EVENT_CANCELLED,
    REG_REGISTERED,
    REG_WAITING,
    REPORT_OPEN,
    Event,
    Question,
    QuestionReport,
    QuestionSupport,
    Registration,
)
from consult.extensions import db

UPCOMING_LIMIT = 5


def upcoming(group: Any = None, limit: int = UPCOMING_LIMIT) -> list[Event]:
    stmt = select(Event).where(Event.ends_at > utcnow(), Event.status != EVENT_CANCELLED)
    if group is not None:
        stmt = stmt.where(Event.group_id == group.id)
    return list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id).limit(limit)))


def past(group: Any, limit: int = UPCOMING_LIMIT) -> list[Event]:
    stmt = select(Event).where(Event.group_id == group.id, Event.ends_at <= utcnow())
    return list(db.session.scalars(stmt.order_by(Event.starts_at.desc()).limit(limit)))


def group_events(group: Any) -> list[Event]:
    """Every event of a group (the calendar feed), newest first, bounded."""
    stmt = select(Event).where(Event.group_id == group.id).order_by(Event.starts_at.desc())
    return list(db.session.scalars(stmt.limit(500)))


def events_of_user(user_id: int) -> list[Event]:
    """The events a person is registered for or waiting for ("my events")."""
    stmt = (
        select(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.user_id == user_id,
            Registration.status.in_((REG_REGISTERED, REG_WAITING)),
        )
        .order_by(Event.starts_at.desc())
        .limit(500)
    )
    return list(db.session.scalars(stmt))


def registered_ids(user_id: int, event_ids: list[int]) -> set[int]:
    stmt = select(Registration.event_id).where(
        Registration.user_id == user_id,
        Registration.status == REG_REGISTERED,
        Registration.event_id.in_(event_ids or [0]),
    )
    return set(db.session.scalars(stmt))


def counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    return {str(status): int(n) for status, n in rows}


def waiting_position(registration: Registration | None) -> int | None:
    """1 for the first on the waiting list (the order _promote follows), None if not waiting."""
    if registration is None or registration.status != "waiting":
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waiting",
            or_(
                Registration.updated_at < registration.updated_at,
                and_(
                    Registration.updated_at == registration.updated_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return int(ahead or 0) + 1


def _per_category(stmt: Any) -> list[tuple[str, int]]:
    rows = db.session.execute(stmt).all()
    return [(name or _("No category"), int(n)) for name, n in rows]


def registrations_by_category(event: Event, attended: bool = False) -> list[tuple[str, int]]:
    stmt = (
        select(StakeholderCategory.name, func.count(Registration.id))
        .select_from(Registration)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Registration.category_id)
        .where(Registration.event_id == event.id, Registration.status == REG_REGISTERED)
    )
    if attended:
        stmt = stmt.where(Registration.attended.is_(True))
    return _per_category(stmt.group_by(StakeholderCategory.name).order_by(StakeholderCategory.name))


def registrations_by_slug(event: Event, attended: bool = False) -> list[tuple[str | None, int]]:
    """As registrations_by_category, by category slug (None: no category), for open data."""
    stmt = (
        select(StakeholderCategory.slug, func.count(Registration.id))
        .select_from(Registration)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Registration.category_id)
        .where(Registration.event_id == event.id, Registration.status == REG_REGISTERED)
    )
    if attended:
        stmt = stmt.where(Registration.attended.is_(True))
    rows = db.session.execute(
        stmt.group_by(StakeholderCategory.slug).order_by(StakeholderCategory.slug)
    ).all()
    return [(slug, int(n)) for slug, n in rows]


def questions_by_category(event: Event) -> list[tuple[str, int]]:
    stmt = (
        select(StakeholderCategory.name, func.count(Question.id))
        .select_from(Question)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Question.category_id)
        .where(Question.event_id == event.id, Question.hidden_reason == "")
        .group_by(StakeholderCategory.name)
        .order_by(StakeholderCategory.name)
    )
    return _per_category(stmt)


def questions(event: Event, order: str = "support") -> list[Question]:
    stmt = select(Question).where(Question.event_id == event.id)
    if order == "support":
        stmt = stmt.order_by(Question.support_count.desc(), Question.id)
    else:
        stmt = stmt.order_by(Question.id)
    return list(db.session.scalars(stmt.limit(1000)))


def support_by_category(event: Event) -> dict[int, list[tuple[str, int]]]:
    """For each question of the event, its supporters counted per category (one query)."""
    rows = db.session.execute(
        select(
            QuestionSupport.question_id, StakeholderCategory.name, func.count(QuestionSupport.id)
        )
        .join(Question, Question.id == QuestionSupport.question_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == QuestionSupport.category_id)
        .where(Question.event_id == event.id)
        .group_by(QuestionSupport.question_id, StakeholderCategory.name)
        .order_by(StakeholderCategory.name)
    ).all()
    result: dict[int, list[tuple[str, int]]] = {}
    for question_id, name, n in rows:
        result.setdefault(int(question_id), []).append((name or _("No category"), int(n)))
    return result


def supported_by(user: Any, event: Event) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    stmt = (
        select(QuestionSupport.question_id)
        .join(Question, Question.id == QuestionSupport.question_id)
        .where(Question.event_id == event.id, QuestionSupport.user_id == user.id)
    )
    return set(db.session.scalars(stmt))


def open_question_reports(group: Any) -> list[Any]:
    """The group's open reports on questions, oldest first, with their question and event."""
    stmt = (
        select(QuestionReport, Question, Event)
        .join(Question, Question.id == QuestionReport.question_id)
        .join(Event, Event.id == Question.event_id)
        .where(Event.group_id == group.id, QuestionReport.status == REPORT_OPEN)
        .order_by(QuestionReport.created_at, QuestionReport.id)
        .limit(200)
    )
    return list(db.session.execute(stmt).all())


def open_question_report_counts(group_ids: list[int]) -> dict[int, int]:
    """Open reports on questions per group (one query), for the staff desk."""
    rows = db.session.execute(
        select(Event.group_id, func.count(QuestionReport.id))
        .join(Question, Question.id == QuestionReport.question_id)
        .join(Event, Event.id == Question.event_id)
        .where(QuestionReport.status == REPORT_OPEN, Event.group_id.in_(group_ids or [0]))
        .group_by(Event.group_id)
    ).all()
    return {int(group_id): int(n) for group_id, n in rows}


def group_participation(group: Any) -> list[tuple[str, int, int, int]]:
    """Per stakeholder category, over the group's events: (category, registered, attended,
    questions). Two queries whatever the number of events."""
    rows: dict[str, list[int]] = {}
    registrations = db.session.execute(
        select(
            StakeholderCategory.name,
            func.count(Registration.id),
            func.sum(case((Registration.attended.is_(True), 1), else_=0)),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Registration.category_id)
        .where(
            Event.group_id == group.id,
            Event.status != EVENT_CANCELLED,
            Registration.status == REG_REGISTERED,
        )
        .group_by(StakeholderCategory.name)
    ).all()
    for name, registered, attended in registrations:
        rows.setdefault(name or "", [0, 0, 0])[0:2] = [int(registered), int(attended or 0)]
    asked = db.session.execute(
        select(StakeholderCategory.name, func.count(Question.id))
        .select_from(Question)
        .join(Event, Event.id == Question.event_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Question.category_id)
        .where(Event.group_id == group.id, Question.hidden_reason == "")
        .group_by(StakeholderCategory.name)
    ).all()
    for name, n in asked:
        rows.setdefault(name or "", [0, 0, 0])[2] = int(n)
    named = sorted((k, v) for k, v in rows.items() if k)
    if "" in rows:
        named.append(("", rows[""]))
    return [(name, r[0], r[1], r[2]) for name, r in named]
