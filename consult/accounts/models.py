"""Stakeholder categories, organisations (AI Pact status, memberships, domains) and users."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base, TimestampMixin, bounded_string, bounded_text, utcnow

PACT_NONE = "none"
PACT_PILLAR_I = "pillar_i"
PACT_PILLAR_II = "pillar_ii"
PACT_STATUSES = {
    PACT_NONE: _l("Not a signatory"),
    PACT_PILLAR_I: _l("AI Pact pillar I (community)"),
    PACT_PILLAR_II: _l("AI Pact pillar II (pledge)"),
}
# Short badge text shown on organisations and on comments (from the comment's snapshot).
PACT_BADGES = {PACT_PILLAR_I: _l("AI Pact · pillar I"), PACT_PILLAR_II: _l("AI Pact · pillar II")}
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
# Stored as written (adoption seeds its commitments from them), translated where shown.
_PLEDGE_CATALOGUE = (
    _l("AI governance strategy"),
    _l("Mapping of high-risk AI systems"),
    _l("AI literacy and awareness"),
    _l("Human oversight"),
    _l("Risk mitigation"),
    _l("Labelling of AI-generated content"),
    _l("Informing workers about AI deployment"),
)
# Seeded by the migration "seed stakeholder categories" (a copy frozen there) and by tests.
DEFAULT_CATEGORIES = [
    ("industry", "Industry", 1),
    ("sme", "SMEs", 2),
    ("academia", "Academia", 3),
    ("civil-society", "Civil society", 4),
    ("open-source", "Open source", 5),
]
# A person's tie to an organisation: only a confirmed one lets them speak for it.
TIE_PENDING = "pending"
TIE_CONFIRMED = "confirmed"
TIE_REMOVED = "removed"
TIE_STATUSES = {TIE_PENDING: "Pending", TIE_CONFIRMED: "Confirmed", TIE_REMOVED: "Removed"}
# How a tie was confirmed (kept for the record).
CONFIRMED_BY_REPRESENTATIVE = "representative"
CONFIRMED_BY_ADMIN = "admin"
CONFIRMED_BY_DOMAIN = "domain"
CONFIRMED_AS_FOUNDER = "founder"  # registered the organisation: provisional representative
CONFIRMED_BY_MIGRATION = "migration"  # existing before memberships were verified
REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_DECLINED = "declined"
# Maximum lengths of what people type, shared by the columns and the forms (issue 12, defect 6).
CATEGORY_NAME_MAX = 80
ORGANISATION_NAME_MAX = 200
REGISTER_ID_MAX = 20
EMAIL_MAX = 320  # RFC 5321: 64 + @ + 255
DISPLAY_NAME_MAX = 120
BIO_MAX = 2000
DOMAIN_MAX = 253
NOTIFY_MODES = {"immediate": _l("Immediately"), "daily": _l("Daily digest"), "none": _l("Never")}


class StakeholderCategory(Base):
    """Controlled list: industry, SMEs, academia, civil society, open source, and more."""

    __tablename__ = "stakeholder_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = bounded_string(CATEGORY_NAME_MAX, unique=True)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = bounded_string(ORGANISATION_NAME_MAX, unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("stakeholder_categories.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    transparency_register_id: Mapped[str | None] = bounded_string(REGISTER_ID_MAX)
    pact_status: Mapped[str] = mapped_column(String(12), default=PACT_NONE)
    pact_pledge_date: Mapped[date | None]
    pact_pledges: Mapped[list[str]] = mapped_column(JSON, default=list)
    pact_verified_at: Mapped[datetime | None]
    pact_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", use_alter=True))
    # Checked by an administrator: until then its first representative is provisional.
    verified_at: Mapped[datetime | None]

    category: Mapped[StakeholderCategory] = relationship(lazy="joined")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

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
        return [gettext(labels[key]) if key in labels else key for key in self.pact_pledges or []]


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = bounded_string(EMAIL_MAX, unique=True)
    display_name: Mapped[str] = bounded_string(DISPLAY_NAME_MAX)
    password_hash: Mapped[str] = mapped_column(String(255))
    # The organisation the person named (pending or confirmed tie, see OrganisationMembership);
    # whether they speak for it is `consult.accounts.affiliation.speaking_for(user)`.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The person's own category: used when they speak as an individual (independent experts,
    # and anyone whose tie to an organisation is not confirmed).
    independent_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_categories.id")
    )
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    notify_mode: Mapped[str] = mapped_column(String(10), default="immediate")
    # Interface and e-mail language (ISO 639-1, "de"); None: the browser's, e-mails the site's.
    locale: Mapped[str | None] = mapped_column(String(8))
    bio: Mapped[str] = bounded_text(BIO_MAX, default="")
    listed_publicly: Mapped[bool] = mapped_column(default=False)
    # Part of the login cookie id: changing it (password reset) signs out every session.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    # Set when the person left (or an administrator erased the account): personal data gone,
    # the row kept so their public comments stay in the record as "Former participant".
    erased_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(
        lazy="joined", foreign_keys=[organisation_id]
    )
    independent_category: Mapped[StakeholderCategory | None] = relationship(lazy="joined")
    # The tie to the organisation named above (None for independents).
    organisation_tie: Mapped[OrganisationMembership | None] = relationship(
        primaryjoin="and_(User.id == OrganisationMembership.user_id, "
        "User.organisation_id == OrganisationMembership.organisation_id)",
        viewonly=True,
        lazy="joined",
        uselist=False,
    )
    if TYPE_CHECKING:
        # Working-group memberships: the relationship is declared by consult.groups.models
        # (a backref), because the groups domain may know accounts but never the reverse.
        memberships: Mapped[list[Any]]

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def category(self) -> StakeholderCategory | None:
        """The category the person speaks in: see affiliation.speaking_for."""
        from consult.accounts.affiliation import speaking_for

        return speaking_for(self).category

    @property
    def organisation_label(self) -> str:
        from consult.accounts.affiliation import speaking_for

        return speaking_for(self).label

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class OrganisationMembership(TimestampMixin, Base):
    """A person's tie to an organisation: pending, confirmed or removed; maybe representative."""

    __tablename__ = "organisation_memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=TIE_PENDING)
    is_representative: Mapped[bool] = mapped_column(default=False)
    confirmed_via: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def is_confirmed(self) -> bool:
        return self.status == TIE_CONFIRMED

    @property
    def is_pending(self) -> bool:
        return self.status == TIE_PENDING

    @property
    def status_label(self) -> str:
        return TIE_STATUSES.get(self.status, self.status)


class OrganisationDomain(Base):
    """An e-mail domain verified as the organisation's: its addresses are confirmed members."""

    __tablename__ = "organisation_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    domain: Mapped[str] = bounded_string(DOMAIN_MAX, unique=True)

    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class PactChangeRequest(TimestampMixin, Base):
    """A change to a verified AI Pact declaration, waiting for an administrator."""

    __tablename__ = "pact_change_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    pact_status: Mapped[str] = mapped_column(String(12))
    pact_pledge_date: Mapped[date | None]
    pact_pledges: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default=REQUEST_PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    @property
    def pact_label(self) -> str:
        return PACT_STATUSES.get(self.pact_status, self.pact_status)
