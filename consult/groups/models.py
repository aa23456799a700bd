"""Working groups and memberships (roles live on the membership, never on the user)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from consult.accounts.models import User
from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base, TimestampMixin, bounded_string, bounded_text, utcnow

GROUP_NAME_MAX = 200
MANDATE_MAX = 20_000
STATEMENT_MAX = 2000  # a membership request's statement, and the reason for declining it
ROLE_CHAIR = "chair"
ROLE_VICE_CHAIR = "vice_chair"
ROLE_MODERATOR = "moderator"
ROLE_MEMBER = "member"
ROLE_OBSERVER = "observer"
ROLES = {
    ROLE_CHAIR: _l("Chair"),
    ROLE_VICE_CHAIR: _l("Vice-chair"),
    ROLE_MODERATOR: _l("Moderator"),
    ROLE_MEMBER: _l("Member"),
    ROLE_OBSERVER: _l("Observer"),
}
# The role inside a sentence ("You are chair of ..."): lower case in English, a noun's own
# case in other languages (German capitalises nouns), so never `label.lower()`.
ROLE_NOUNS = {
    ROLE_CHAIR: _l("chair"),
    ROLE_VICE_CHAIR: _l("vice-chair"),
    ROLE_MODERATOR: _l("moderator"),
    ROLE_MEMBER: _l("member"),
    ROLE_OBSERVER: _l("observer"),
}
STATUS_REQUESTED = "requested"
STATUS_APPROVED = "approved"
STATUS_DECLINED = "declined"
STATUS_LEFT = "left"
STATUSES = {
    STATUS_REQUESTED: _l("Requested"),
    STATUS_APPROVED: _l("Approved"),
    STATUS_DECLINED: _l("Declined"),
    STATUS_LEFT: _l("Left"),
}
# Who may be admitted as a full member: only people from verified AI Pact organisations,
# or anyone verified. Others may still be admitted as observers.
ADMISSION_PACT = "pact"
ADMISSION_OPEN = "open"
ADMISSION_RULES = {
    ADMISSION_PACT: _l("Members must come from verified AI Pact organisations; others may observe"),
    ADMISSION_OPEN: _l("Any verified stakeholder may become a member"),
}


class WorkingGroup(TimestampMixin, Base):
    __tablename__ = "working_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = bounded_string(GROUP_NAME_MAX)
    mandate: Mapped[str] = bounded_text(MANDATE_MAX, default="")
    position: Mapped[int] = mapped_column(default=0)
    admission_rule: Mapped[str] = mapped_column(String(10), default=ADMISSION_PACT)
    observers_may_comment: Mapped[bool] = mapped_column(default=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="group")

    @property
    def admission_label(self) -> str:
        return ADMISSION_RULES.get(self.admission_rule, self.admission_rule)


class Membership(TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(12), default=ROLE_MEMBER)
    status: Mapped[str] = mapped_column(String(10), default=STATUS_REQUESTED)
    statement: Mapped[str] = bounded_text(STATEMENT_MAX, default="")
    requested_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = bounded_text(STATEMENT_MAX, default="")

    listed_publicly: Mapped[bool] = mapped_column(default=False)
    notify_versions: Mapped[bool] = mapped_column(default=True)
    notify_deadlines: Mapped[bool] = mapped_column(default=True)

    group: Mapped[WorkingGroup] = relationship(back_populates="memberships", lazy="joined")
    # Declared here, with User.memberships as its backref, so accounts never imports groups.
    user: Mapped[User] = relationship(
        foreign_keys=[user_id],
        backref=backref("memberships", lazy="selectin", foreign_keys=[user_id]),
    )

    @property
    def is_active(self) -> bool:
        return self.status == STATUS_APPROVED

    @property
    def is_pending(self) -> bool:
        return self.status == STATUS_REQUESTED

    @property
    def was_declined(self) -> bool:
        return self.status == STATUS_DECLINED

    @property
    def has_left(self) -> bool:
        return self.status == STATUS_LEFT

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def role_noun(self) -> str:
        return ROLE_NOUNS.get(self.role, self.role)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class DeadlineReminder(Base):
    """A deadline reminder already queued for one member about one version (sent once)."""

    __tablename__ = "deadline_reminders"
    __table_args__ = (UniqueConstraint("version_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
