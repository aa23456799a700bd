"""Working-group reads: lists, balance, leaders, directory, requests, eligibility."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from consult.accounts.affiliation import (
    join_speaking_organisation,
    speaking_category_id,
    speaking_for,
)
from consult.accounts.models import StakeholderCategory, User
from consult.core.pagination import Page, paginate
from consult.extensions import db
from consult.groups.models import (
    ADMISSION_OPEN,
    ROLE_CHAIR,
    ROLE_OBSERVER,
    ROLE_VICE_CHAIR,
    STATUS_APPROVED,
    STATUS_REQUESTED,
    Membership,
    WorkingGroup,
)

logger = logging.getLogger(__name__)

LEADER_ROLES = (ROLE_CHAIR, ROLE_VICE_CHAIR)


# --- reading -----------------------------------------------------------------------------


@dataclass
class GroupSummary:
    group: WorkingGroup
    members: int = 0
    observers: int = 0


@dataclass
class CategoryShare:
    name: str
    members: int
    observers: int
    share: float  # percentage of the group's members (observers excluded)


@dataclass
class Balance:
    rows: list[CategoryShare] = field(default_factory=list)
    members: int = 0
    observers: int = 0


def _category_id() -> Any:
    """A user's category: their confirmed organisation's, or their own (speaking_for)."""
    return speaking_category_id()


def list_groups() -> list[GroupSummary]:
    """Every working group with its member and observer counts (two queries)."""
    groups = db.session.scalars(
        select(WorkingGroup).order_by(WorkingGroup.position, WorkingGroup.name)
    )
    summaries = {group.id: GroupSummary(group) for group in groups}
    counts = db.session.execute(
        select(Membership.group_id, Membership.role, func.count())
        .where(Membership.status == STATUS_APPROVED)
        .group_by(Membership.group_id, Membership.role)
    )
    for group_id, role, count in counts:
        summary = summaries.get(group_id)
        if summary is None:
            continue
        if role == ROLE_OBSERVER:
            summary.observers += count
        else:
            summary.members += count
    return list(summaries.values())


def member_balance(group: WorkingGroup) -> Balance:
    """Members and observers per stakeholder category, with each category's share of members.

    Every current category is listed, even with no member, so a gap shows as 0 %.
    """
    categories = db.session.scalars(
        select(StakeholderCategory)
        .where(StakeholderCategory.retired_at.is_(None))
        .order_by(StakeholderCategory.position, StakeholderCategory.name)
    ).all()
    category_id = _category_id()
    counts = db.session.execute(
        join_speaking_organisation(
            select(category_id, Membership.role, func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
        )
        .where(Membership.group_id == group.id, Membership.status == STATUS_APPROVED)
        .group_by(category_id, Membership.role)
    ).all()
    by_category: dict[int | None, list[int]] = {}
    for cat_id, role, count in counts:
        slot = by_category.setdefault(cat_id, [0, 0])
        slot[1 if role == ROLE_OBSERVER else 0] += count
    balance = Balance(
        members=sum(v[0] for v in by_category.values()),
        observers=sum(v[1] for v in by_category.values()),
    )

    def share(members: int) -> float:
        return round(100.0 * members / balance.members, 1) if balance.members else 0.0

    names = {category.id: category.name for category in categories}
    for category in categories:
        members, observers = by_category.get(category.id, [0, 0])
        balance.rows.append(CategoryShare(category.name, members, observers, share(members)))
    # Retired categories (or none at all) still count: their people are still members.
    for cat_id, (members, observers) in by_category.items():
        if cat_id not in names:
            label = _("Other categories") if cat_id is not None else _("No category")
            balance.rows.append(CategoryShare(label, members, observers, share(members)))
    return balance


def group_leaders(group: WorkingGroup) -> list[Membership]:
    """The approved chairs, then vice-chairs, of a group (always public)."""
    leaders = db.session.scalars(
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.group_id == group.id,
            Membership.status == STATUS_APPROVED,
            Membership.role.in_(LEADER_ROLES),
        )
        .options(joinedload(Membership.user).lazyload(User.memberships))
        .order_by(User.display_name)
    ).all()
    return sorted(leaders, key=lambda m: LEADER_ROLES.index(m.role))


def _members_stmt(group: WorkingGroup) -> Select[Any]:
    category_id = _category_id()
    return (
        join_speaking_organisation(select(Membership).join(User, User.id == Membership.user_id))
        .outerjoin(StakeholderCategory, StakeholderCategory.id == category_id)
        .where(Membership.group_id == group.id)
        .options(joinedload(Membership.user).lazyload(User.memberships))
    )


def member_directory(group: WorkingGroup, *, everyone: bool, per_page: int = 100) -> Page:
    """One page of approved members by category then name; only those listed publicly
    unless `everyone` (the viewer is a member of the group or an admin)."""
    stmt = _members_stmt(group).where(Membership.status == STATUS_APPROVED)
    if not everyone:
        stmt = stmt.where(Membership.listed_publicly.is_(True))
    stmt = stmt.order_by(StakeholderCategory.position, User.display_name, Membership.id)
    return paginate(stmt, per_page=per_page)


def pending_requests(group: WorkingGroup, per_page: int = 50) -> Page:
    """Requests waiting for a decision, oldest first."""
    stmt = (
        _members_stmt(group)
        .where(Membership.status == STATUS_REQUESTED)
        .order_by(Membership.requested_at, Membership.id)
    )
    return paginate(stmt, per_page=per_page)


def count_pending(group: WorkingGroup) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.group_id == group.id, Membership.status == STATUS_REQUESTED)
        )
        or 0
    )


def membership_of(user: Any, group: WorkingGroup) -> Membership | None:
    """The user's membership row in a group, whatever its status (None for visitors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    for membership in user.memberships:  # already loaded with the user (selectin)
        if membership.group_id == group.id:
            return membership
    return None


def is_eligible(user: User, group: WorkingGroup) -> bool:
    """May this person be a full member under the group's admission rule?"""
    if group.admission_rule == ADMISSION_OPEN:
        return True
    return speaking_for(user).pact_verified


def ineligible_reason(user: User, group: WorkingGroup) -> str:
    affiliation = speaking_for(user)
    who = (
        _(
            "%(organisation)s is not a verified AI Pact signatory",
            organisation=affiliation.organisation.name,
        )
        if affiliation.organisation is not None
        else _(
            "your membership of %(organisation)s is not yet confirmed",
            organisation=affiliation.pending_organisation.name,
        )
        if affiliation.pending_organisation is not None
        else _("independent experts have no AI Pact status")
    )
    return _(
        "Only people from organisations whose AI Pact status has been verified can be members "
        "of %(name)s, and %(reason)s. You can ask to join as an observer instead: observers "
        "read the group's members-only drafts.",
        name=group.name,
        reason=who,
    )
