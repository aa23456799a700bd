"""Events of a working group: registrations, agenda, questions to the chairs, calendar tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import StakeholderCategory, User
from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base, TimestampMixin, bounded_string, bounded_text, utcnow
from consult.drafts.models import Section
from consult.groups.models import WorkingGroup

KINDS = {
    "plenary": _l("Plenary"),
    "meeting": _l("Working-group meeting"),
    "workshop": _l("Workshop"),
    "webinar": _l("Webinar"),
}
ACCESS = {
    "members": _l("Members of the working group"),
    "verified": _l("Any verified stakeholder"),
    "invitation": _l("By invitation"),
}
EVENT_SCHEDULED = "scheduled"
EVENT_CANCELLED = "cancelled"
REG_REGISTERED = "registered"
REG_WAITING = "waiting"
REG_CANCELLED = "cancelled"
REG_INVITED = "invited"
Q_OPEN = "open"
Q_ANSWERED = "answered"
Q_IN_MEETING = "in_meeting"
Q_MERGED = "merged"
Q_STATUSES = {
    Q_OPEN: _l("Open"),
    Q_ANSWERED: _l("Answered in writing"),
    Q_IN_MEETING: _l("Answered in the meeting"),
    Q_MERGED: _l("Merged into another question"),
}
# Maximum lengths, shared by the columns and the forms (issue 12, defect 6).
TITLE_MAX = 200  # an event's title and each agenda item's
URL_MAX = 500
DESCRIPTION_MAX = 10_000
PLACE_MAX = 300
MINUTES_MAX = 50_000
QUESTION_MAX = 2000
ANSWER_MAX = 10_000
REASON_MAX = 500  # hiding a question, reporting one (and cancelling an event, e-mailed)


class Event(TimestampMixin, Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    title: Mapped[str] = bounded_string(TITLE_MAX)
    kind: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    description: Mapped[str] = bounded_text(DESCRIPTION_MAX, default="")
    online_url: Mapped[str] = bounded_string(URL_MAX, default="")
    place: Mapped[str] = bounded_string(PLACE_MAX, default="")
    access: Mapped[str] = mapped_column(String(12), default="members")
    capacity: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(12), default=EVENT_SCHEDULED)
    sequence: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[str] = bounded_text(MINUTES_MAX, default="")
    recording_url: Mapped[str] = bounded_string(URL_MAX, default="")
    slides_url: Mapped[str] = bounded_string(URL_MAX, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    group: Mapped[WorkingGroup] = relationship(lazy="joined")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def access_label(self) -> str:
        return ACCESS.get(self.access, self.access)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EVENT_CANCELLED

    def is_past(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or utcnow())


class AgendaItem(Base):
    __tablename__ = "event_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = bounded_string(TITLE_MAX)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"))

    event: Mapped[Event] = relationship(back_populates="agenda")
    section: Mapped[Section | None] = relationship(lazy="joined")


class Registration(TimestampMixin, Base):
    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_categories.id"))
    attended: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship(lazy="joined")
    category: Mapped[StakeholderCategory | None] = relationship()


class Question(TimestampMixin, Base):
    __tablename__ = "event_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_categories.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("event_agenda_items.id"))
    body: Mapped[str] = bounded_text(QUESTION_MAX)
    status: Mapped[str] = mapped_column(String(12), default=Q_OPEN)
    answer: Mapped[str] = bounded_text(ANSWER_MAX, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("event_questions.id"))
    hidden_reason: Mapped[str] = bounded_string(REASON_MAX, default="")
    reported_count: Mapped[int] = mapped_column(default=0)
    support_count: Mapped[int] = mapped_column(default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    category: Mapped[StakeholderCategory | None] = relationship(lazy="joined")
    agenda_item: Mapped[AgendaItem | None] = relationship(lazy="joined")

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)

    @property
    def status_label(self) -> str:
        return Q_STATUSES.get(self.status, self.status)


class QuestionSupport(Base):
    __tablename__ = "event_question_supports"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("event_questions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder_categories.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


REPORT_OPEN = "open"
REPORT_UPHELD = "upheld"
REPORT_DISMISSED = "dismissed"


class QuestionReport(TimestampMixin, Base):
    """A signed-in person's report of a question, queued for the group's moderators."""

    __tablename__ = "event_question_reports"
    __table_args__ = (UniqueConstraint("question_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("event_questions.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = bounded_string(REASON_MAX)
    status: Mapped[str] = mapped_column(String(10), default=REPORT_OPEN, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]

    question: Mapped[Question] = relationship(lazy="joined")


class CalendarToken(Base):
    """The secret in a person's "my events" feed URL (calendar clients cannot sign in)."""

    __tablename__ = "event_calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "AgendaItem",
    "CalendarToken",
    "Event",
    "Question",
    "QuestionReport",
    "QuestionSupport",
    "Registration",
]
