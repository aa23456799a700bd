"""Stakeholder categories, organisations (with AI Pact status) and users."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db import Base, TimestampMixin

if TYPE_CHECKING:
    from consult.groups.models import Membership

PACT_NONE = "none"
PACT_PILLAR_I = "pillar_i"
PACT_PILLAR_II = "pillar_ii"
PACT_STATUSES = {
    PACT_NONE: "Not a signatory",
    PACT_PILLAR_I: "AI Pact pillar I (community)",
    PACT_PILLAR_II: "AI Pact pillar II (pledge)",
}
# Short badge text shown on organisations and on comments (from the comment's snapshot).
PACT_BADGES = {PACT_PILLAR_I: "AI Pact · pillar I", PACT_PILLAR_II: "AI Pact · pillar II"}
PACT_CORE_PLEDGES = {
    "governance": "AI governance strategy",
    "high_risk_mapping": "Mapping of high-risk AI systems",
    "literacy": "AI literacy and awareness",
}
PACT_OPTIONAL_PLEDGES = {
    "human_oversight": "Human oversight",
    "risk_mitigation": "Risk mitigation",
    "transparency_labelling": "Labelling of AI-generated content",
    "worker_information": "Informing workers about AI deployment",
}
# Seeded by the migration "seed stakeholder categories" (a copy frozen there) and by tests.
DEFAULT_CATEGORIES = [
    ("industry", "Industry", 1),
    ("sme", "SMEs", 2),
    ("academia", "Academia", 3),
    ("civil-society", "Civil society", 4),
    ("open-source", "Open source", 5),
]
NOTIFY_MODES = {"immediate": "Immediately", "daily": "Daily digest", "none": "Never"}


class StakeholderCategory(Base):
    """Controlled list: industry, SMEs, academia, civil society, open source, and more."""

    __tablename__ = "stakeholder_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_categories.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    transparency_register_id: Mapped[str | None] = mapped_column(String(20))
    pact_status: Mapped[str] = mapped_column(String(12), default=PACT_NONE)
    pact_pledge_date: Mapped[date | None]
    pact_pledges: Mapped[list[str]] = mapped_column(JSON, default=list)
    pact_verified_at: Mapped[datetime | None]
    pact_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))

    category: Mapped[StakeholderCategory] = relationship(lazy="joined")

    @property
    def pact_verified(self) -> bool:
        return self.pact_status != PACT_NONE and self.pact_verified_at is not None

    @property
    def pact_label(self) -> str:
        return PACT_STATUSES[self.pact_status]

    @property
    def pact_declared_unverified(self) -> bool:
        return self.pact_status != PACT_NONE and self.pact_verified_at is None

    @property
    def pact_pledge_labels(self) -> list[str]:
        labels = {**PACT_CORE_PLEDGES, **PACT_OPTIONAL_PLEDGES}
        return [labels.get(key, key) for key in self.pact_pledges or []]


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Independent experts have no organisation and pick their category themselves.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    independent_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_categories.id")
    )
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    notify_mode: Mapped[str] = mapped_column(String(10), default="immediate")
    bio: Mapped[str] = mapped_column(Text, default="")
    # Part of the login cookie id: changing it (password reset) signs out every session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))

    organisation: Mapped[Organisation | None] = relationship(
        lazy="joined", foreign_keys=[organisation_id]
    )
    independent_category: Mapped[StakeholderCategory | None] = relationship(lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="selectin", foreign_keys="Membership.user_id"
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def category(self) -> StakeholderCategory | None:
        if self.organisation is not None:
            return self.organisation.category
        return self.independent_category

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation else "Independent expert"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
