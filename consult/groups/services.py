"""Working-group services: joining, deciding requests, roles, settings and notifications."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import joinedload, lazyload
from werkzeug.routing import BuildError

from consult.accounts.models import Organisation, StakeholderCategory, User
from consult.accounts.services import find_user_by_email
from consult.core import audit, outbox
from consult.core.pagination import Page, paginate
from consult.core.urls import email_url
from consult.db import utcnow
from consult.extensions import db
from consult.groups.models import (
    ADMISSION_OPEN,
    ADMISSION_RULES,
    ROLE_CHAIR,
    ROLE_MEMBER,
    ROLE_OBSERVER,
    ROLE_VICE_CHAIR,
    ROLES,
    STATUS_APPROVED,
    STATUS_DECLINED,
    STATUS_LEFT,
    STATUS_REQUESTED,
    DeadlineReminder,
    Membership,
    WorkingGroup,
)

logger = logging.getLogger(__name__)

REQUESTABLE_ROLES = (ROLE_MEMBER, ROLE_OBSERVER)
LEADER_ROLES = (ROLE_CHAIR, ROLE_VICE_CHAIR)
REMINDER_WINDOW = timedelta(days=3)
NOTIFY_KINDS = {"versions": Membership.notify_versions, "deadlines": Membership.notify_deadlines}


class MembershipError(Exception):
    """A refused membership change; the message is shown to the user as is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field  # the form field the message belongs beside, if any


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
    """A user's category: their organisation's, or the one an independent expert chose."""
    return func.coalesce(Organisation.category_id, User.independent_category_id)


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
        select(category_id, Membership.role, func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
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
            label = "Other categories" if cat_id is not None else "No category"
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
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
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
    organisation = user.organisation
    return organisation is not None and organisation.pact_verified


def ineligible_reason(user: User, group: WorkingGroup) -> str:
    who = (
        f"{user.organisation.name} is not a verified AI Pact signatory"
        if user.organisation is not None
        else "independent experts have no AI Pact status"
    )
    return (
        f"Only people from organisations whose AI Pact status has been verified can be members "
        f"of {group.name}, and {who}. You can ask to join as an observer instead: observers "
        f"read the group's members-only drafts."
    )


# --- joining ------------------------------------------------------------------------------


def _link(endpoint: str, **values: Any) -> str:
    return email_url(endpoint, **values)


def _managers(group: WorkingGroup) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == group.id,
                Membership.status == STATUS_APPROVED,
                Membership.role.in_(LEADER_ROLES),
                User.is_disabled.is_(False),
            )
            .options(lazyload(User.memberships))
        )
    )


def request_membership(group: WorkingGroup, user: User, *, role: str, statement: str) -> Membership:
    """Ask to join `group` as member or observer; chairs and vice-chairs are told."""
    statement = statement.strip()
    if role not in REQUESTABLE_ROLES:
        raise MembershipError("Choose whether you want to be a member or an observer.", "role")
    if not statement:
        raise MembershipError("Say briefly why you want to take part.", "statement")
    membership = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    ).first()
    if membership is not None and membership.status == STATUS_REQUESTED:
        raise MembershipError(
            f"You have already asked to join {group.name}. The chairs will decide on that "
            f"request; you will be told by e-mail."
        )
    if membership is not None and membership.status == STATUS_APPROVED:
        raise MembershipError(
            f"You are already in {group.name} as {membership.role_label.lower()}."
        )
    if role == ROLE_MEMBER and not is_eligible(user, group):
        raise MembershipError(ineligible_reason(user, group), "role")
    before = None
    if membership is None:
        membership = Membership(group=group, user=user)
        db.session.add(membership)
    else:
        # A new request after a decline or after leaving re-uses the row; the audit trail
        # keeps the earlier requests and decisions.
        before = {"status": membership.status, "role": membership.role}
    membership.role = role
    membership.status = STATUS_REQUESTED
    membership.statement = statement
    membership.requested_at = utcnow()
    membership.decided_by_id = None
    membership.decided_at = None
    membership.decision_reason = ""
    db.session.flush()
    audit.record(
        user,
        "membership.request",
        membership,
        f"{user.display_name} asked to join {group.name} as {ROLES[role].lower()}",
        before=before,
        after={"status": STATUS_REQUESTED, "role": role, "statement": statement},
    )
    link = _link("groups.show_request", slug=group.slug, membership_id=membership.id)
    for manager in _managers(group):
        outbox.notify(
            manager,
            f"Request to join {group.name}",
            "membership_request",
            group=group,
            membership=membership,
            requester=user,
            link=link,
        )
    db.session.flush()
    return membership


def _tell_decision(membership: Membership) -> None:
    group = membership.group
    approved = membership.status == STATUS_APPROVED
    outbox.notify(
        membership.user,
        f"Your request to join {group.name}: {'approved' if approved else 'declined'}",
        "membership_decision",
        group=group,
        membership=membership,
        approved=approved,
        observer=membership.role == ROLE_OBSERVER,
        link=_link("groups.show_group", slug=group.slug),
    )


def approve_request(membership: Membership, *, role: str, actor: User) -> Membership:
    """Admit a requester as member or observer; they are told by e-mail."""
    if membership.status != STATUS_REQUESTED:
        raise MembershipError("This request has already been decided.")
    if role not in REQUESTABLE_ROLES:
        raise MembershipError("Choose member or observer.", "role")
    if role == ROLE_MEMBER and not is_eligible(membership.user, membership.group):
        raise MembershipError(
            f"{membership.user.display_name} cannot be admitted as a member: "
            f"{membership.user.organisation_label} is not a verified AI Pact signatory and this "
            f"group admits only such members. Approve them as an observer, or decline.",
            "role",
        )
    asked = membership.role
    membership.role = role
    membership.status = STATUS_APPROVED
    membership.decided_by_id = actor.id
    membership.decided_at = utcnow()
    membership.decision_reason = ""
    db.session.flush()
    audit.record(
        actor,
        "membership.approve",
        membership,
        f"{membership.user.display_name} admitted to {membership.group.name} as "
        f"{ROLES[role].lower()}",
        before={"status": STATUS_REQUESTED, "role": asked},
        after={"status": STATUS_APPROVED, "role": role},
    )
    _tell_decision(membership)
    db.session.flush()
    return membership


def decline_request(membership: Membership, *, reason: str, actor: User) -> Membership:
    """Decline a request with a reason the requester reads in the e-mail."""
    reason = reason.strip()
    if membership.status != STATUS_REQUESTED:
        raise MembershipError("This request has already been decided.")
    if not reason:
        raise MembershipError(
            "Give the reason for declining; the requester will read it.", "reason"
        )
    membership.status = STATUS_DECLINED
    membership.decided_by_id = actor.id
    membership.decided_at = utcnow()
    membership.decision_reason = reason
    db.session.flush()
    audit.record(
        actor,
        "membership.decline",
        membership,
        f"Request of {membership.user.display_name} to join {membership.group.name} declined",
        before={"status": STATUS_REQUESTED, "role": membership.role},
        after={"status": STATUS_DECLINED, "reason": reason},
    )
    _tell_decision(membership)
    db.session.flush()
    return membership


def _approved_chairs(group: WorkingGroup) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(
                Membership.group_id == group.id,
                Membership.status == STATUS_APPROVED,
                Membership.role == ROLE_CHAIR,
            )
        )
        or 0
    )


def leave_group(membership: Membership, *, user: User) -> Membership:
    """A member (any role) leaves the group; the last chair must be replaced first."""
    if membership.status != STATUS_APPROVED:
        raise MembershipError("You are not a member of this group.")
    if membership.role == ROLE_CHAIR and _approved_chairs(membership.group) <= 1:
        raise MembershipError(
            "You are the only chair of this group. Ask an administrator to appoint another "
            "chair before you leave."
        )
    role = membership.role
    membership.status = STATUS_LEFT
    db.session.flush()
    audit.record(
        user,
        "membership.leave",
        membership,
        f"{user.display_name} left {membership.group.name}",
        before={"status": STATUS_APPROVED, "role": role},
        after={"status": STATUS_LEFT},
    )
    return membership


# --- roles and settings -------------------------------------------------------------------


def change_role(membership: Membership, *, role: str, actor: User) -> Membership:
    """Give an approved member another role (the view checked the actor may)."""
    if role not in ROLES:
        raise MembershipError("Choose a role.", "role")
    if membership.status != STATUS_APPROVED:
        raise MembershipError("Only approved members can be given a role.")
    old = membership.role
    if role == old:
        raise MembershipError(
            f"{membership.user.display_name} is already {ROLES[role].lower()}.", "role"
        )
    if old == ROLE_CHAIR and _approved_chairs(membership.group) <= 1:
        raise MembershipError("A working group needs a chair: appoint another chair first.", "role")
    if (
        old == ROLE_OBSERVER
        and role != ROLE_CHAIR
        and not is_eligible(membership.user, membership.group)
    ):
        raise MembershipError(ineligible_reason(membership.user, membership.group), "role")
    membership.role = role
    db.session.flush()
    audit.record(
        actor,
        "membership.role",
        membership,
        f"{membership.user.display_name} is now {ROLES[role].lower()} of {membership.group.name}",
        before={"role": old},
        after={"role": role},
    )
    _tell_role(membership)
    return membership


def appoint_chair(group: WorkingGroup, *, email: str, actor: User) -> Membership:
    """An admin makes anyone a chair, creating or reviving their membership if needed."""
    user = find_user_by_email(email)
    if user is None:
        raise MembershipError("No account uses this e-mail address.", "email")
    if not user.is_active:
        raise MembershipError(f"The account of {user.display_name} is disabled.", "email")
    membership = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    ).first()
    before: dict[str, Any] | None = None
    if membership is None:
        membership = Membership(group=group, user=user, statement="")
        db.session.add(membership)
    elif membership.status == STATUS_APPROVED and membership.role == ROLE_CHAIR:
        raise MembershipError(f"{user.display_name} is already a chair of {group.name}.", "email")
    else:
        before = {"status": membership.status, "role": membership.role}
    membership.role = ROLE_CHAIR
    if membership.status != STATUS_APPROVED:
        membership.status = STATUS_APPROVED
        membership.decided_by_id = actor.id
        membership.decided_at = utcnow()
        membership.decision_reason = ""
    db.session.flush()
    audit.record(
        actor,
        "membership.role",
        membership,
        f"{user.display_name} appointed chair of {group.name}",
        before=before,
        after={"status": STATUS_APPROVED, "role": ROLE_CHAIR},
    )
    _tell_role(membership)
    return membership


def _tell_role(membership: Membership) -> None:
    group = membership.group
    outbox.notify(
        membership.user,
        f"Your role in {group.name}: {membership.role_label.lower()}",
        "membership_role",
        group=group,
        membership=membership,
        link=_link("groups.show_group", slug=group.slug),
    )


def update_settings(
    group: WorkingGroup,
    *,
    mandate: str,
    admission_rule: str,
    observers_may_comment: bool,
    actor: User,
) -> WorkingGroup:
    """Change a group's mandate and admission settings (audited with before/after)."""
    if admission_rule not in ADMISSION_RULES:
        raise MembershipError("Choose an admission rule.", "admission_rule")
    if not mandate.strip():
        raise MembershipError("Write the group's mandate.", "mandate")
    before = {
        "mandate": group.mandate,
        "admission_rule": group.admission_rule,
        "observers_may_comment": group.observers_may_comment,
    }
    group.mandate = mandate.strip()
    group.admission_rule = admission_rule
    group.observers_may_comment = observers_may_comment
    after = {
        "mandate": group.mandate,
        "admission_rule": group.admission_rule,
        "observers_may_comment": group.observers_may_comment,
    }
    changed = {key: value for key, value in after.items() if before[key] != value}
    if changed:
        db.session.flush()
        audit.record(
            actor,
            "group.settings",
            group,
            f"Settings of {group.name} changed: {', '.join(sorted(changed))}",
            before={key: before[key] for key in changed},
            after=changed,
        )
    return group


def update_preferences(
    membership: Membership, *, notify_versions: bool, notify_deadlines: bool, listed_publicly: bool
) -> Membership:
    """A member's own choices: which e-mails to get, and whether to be listed publicly."""
    if membership.status != STATUS_APPROVED:
        raise MembershipError("Only members of the group have these settings.")
    membership.notify_versions = notify_versions
    membership.notify_deadlines = notify_deadlines
    membership.listed_publicly = listed_publicly
    db.session.flush()
    return membership


# --- notifications --------------------------------------------------------------------------


def members_to_notify(group: WorkingGroup, kind: str) -> list[User]:
    """Approved members (observers included) who want e-mails of `kind`: "versions" or
    "deadlines" (one query). Called by drafts/moderation when a version is published."""
    wants = NOTIFY_KINDS[kind]
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == group.id,
                Membership.status == STATUS_APPROVED,
                wants.is_(True),
                User.is_disabled.is_(False),
                User.email_verified_at.is_not(None),
            )
            .options(lazyload(User.memberships))
            .order_by(User.id)
        )
    )


def _version_link(slug: str, number: int, group: WorkingGroup) -> str:
    try:
        return _link("drafts.show_version", slug=slug, number=number)
    except BuildError:  # drafts not mounted (e.g. a trimmed test app): the group page lists it
        return _link("groups.show_group", slug=group.slug)


def queue_deadline_reminders(now: datetime) -> int:
    """E-mail members about open consultations of their groups closing within three days,
    once per member and version (DeadlineReminder rows); returns the number queued."""
    # Versions belong to the drafts domain above this one: read its tables, not its classes.
    versions = db.metadata.tables["versions"]
    documents = db.metadata.tables["documents"]
    closing = db.session.execute(
        select(
            versions.c.id,
            versions.c.number,
            versions.c.closes_at,
            documents.c.slug,
            documents.c.title,
            documents.c.group_id,
        )
        .join(documents, documents.c.id == versions.c.document_id)
        .where(
            versions.c.status == "published",
            versions.c.opens_at <= now,
            versions.c.closes_at > now,
            versions.c.closes_at <= now + REMINDER_WINDOW,
        )
        .order_by(versions.c.closes_at)
    ).all()
    queued = 0
    for version_id, number, closes_at, slug, title, group_id in closing:
        group = db.session.get(WorkingGroup, group_id)
        if group is None:
            continue
        already = exists().where(
            and_(DeadlineReminder.version_id == version_id, DeadlineReminder.user_id == User.id)
        )
        recipients = db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.group_id == group_id,
                Membership.status == STATUS_APPROVED,
                Membership.notify_deadlines.is_(True),
                User.is_disabled.is_(False),
                User.email_verified_at.is_not(None),
                ~already,
            )
            .options(lazyload(User.memberships))
        ).all()
        if not recipients:
            continue
        link = _version_link(slug, number, group)
        for user in recipients:
            db.session.add(DeadlineReminder(version_id=version_id, user_id=user.id, sent_at=now))
            outbox.notify(
                user,
                f"Consultation closing soon: {title}, version {number}",
                "deadline_reminder",
                group=group,
                title=title,
                number=number,
                closes_at=closes_at,
                link=link,
            )
            queued += 1
        db.session.flush()
    logger.info("queued %s deadline reminder(s)", queued)
    return queued
