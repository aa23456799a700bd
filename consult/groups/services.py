"""Working-group services: joining, deciding requests, roles and settings."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from consult.accounts.models import User
from consult.accounts.services import find_user_by_email
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.db import utcnow
from consult.extensions import db
from consult.groups.models import (
    ADMISSION_RULES,
    ROLE_CHAIR,
    ROLE_MEMBER,
    ROLE_NOUNS,
    ROLE_OBSERVER,
    ROLE_VICE_CHAIR,
    ROLES,
    STATUS_APPROVED,
    STATUS_DECLINED,
    STATUS_LEFT,
    STATUS_REQUESTED,
    Membership,
    WorkingGroup,
)
from consult.groups.queries import ineligible_reason, is_eligible

logger = logging.getLogger(__name__)

REQUESTABLE_ROLES = (ROLE_MEMBER, ROLE_OBSERVER)
LEADER_ROLES = (ROLE_CHAIR, ROLE_VICE_CHAIR)


class MembershipError(Exception):
    """A refused membership change; the message is shown to the user as is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field  # the form field the message belongs beside, if any


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
        raise MembershipError(_("Choose whether you want to be a member or an observer."), "role")
    if not statement:
        raise MembershipError(_("Say briefly why you want to take part."), "statement")
    membership = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    ).first()
    if membership is not None and membership.status == STATUS_REQUESTED:
        raise MembershipError(
            _(
                "You have already asked to join %(name)s. The chairs will decide on that "
                "request; you will be told by e-mail.",
                name=group.name,
            )
        )
    if membership is not None and membership.status == STATUS_APPROVED:
        raise MembershipError(
            _(
                "You are already in %(name)s as %(role)s.",
                name=group.name,
                role=membership.role_noun,
            )
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
            _l("Request to join %(name)s", name=group.name),
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
        _l("Your request to join %(name)s: approved", name=group.name)
        if approved
        else _l("Your request to join %(name)s: declined", name=group.name),
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
        raise MembershipError(_("This request has already been decided."))
    if role not in REQUESTABLE_ROLES:
        raise MembershipError(_("Choose member or observer."), "role")
    if role == ROLE_MEMBER and not is_eligible(membership.user, membership.group):
        raise MembershipError(
            _(
                "%(person)s cannot be admitted as a member: %(organisation)s is not a verified "
                "AI Pact signatory and this group admits only such members. Approve them as an "
                "observer, or decline.",
                person=membership.user.display_name,
                organisation=membership.user.organisation_label,
            ),
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
        raise MembershipError(_("This request has already been decided."))
    if not reason:
        raise MembershipError(
            _("Give the reason for declining; the requester will read it."), "reason"
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
        raise MembershipError(_("You are not a member of this group."))
    if membership.role == ROLE_CHAIR and _approved_chairs(membership.group) <= 1:
        raise MembershipError(
            _(
                "You are the only chair of this group. Ask an administrator to appoint another "
                "chair before you leave."
            )
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
        raise MembershipError(_("Choose a role."), "role")
    if membership.status != STATUS_APPROVED:
        raise MembershipError(_("Only approved members can be given a role."))
    old = membership.role
    if role == old:
        raise MembershipError(
            _(
                "%(person)s is already %(role)s.",
                person=membership.user.display_name,
                role=ROLE_NOUNS[role],
            ),
            "role",
        )
    if old == ROLE_CHAIR and _approved_chairs(membership.group) <= 1:
        raise MembershipError(
            _("A working group needs a chair: appoint another chair first."), "role"
        )
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
        raise MembershipError(_("No account uses this e-mail address."), "email")
    if not user.is_active:
        raise MembershipError(
            _("The account of %(person)s is disabled.", person=user.display_name), "email"
        )
    membership = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
    ).first()
    before: dict[str, Any] | None = None
    if membership is None:
        membership = Membership(group=group, user=user, statement="")
        db.session.add(membership)
    elif membership.status == STATUS_APPROVED and membership.role == ROLE_CHAIR:
        raise MembershipError(
            _(
                "%(person)s is already a chair of %(name)s.",
                person=user.display_name,
                name=group.name,
            ),
            "email",
        )
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
        _l("Your role in %(name)s: %(role)s", name=group.name, role=membership.role_noun),
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
        raise MembershipError(_("Choose an admission rule."), "admission_rule")
    if not mandate.strip():
        raise MembershipError(_("Write the group's mandate."), "mandate")
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
        raise MembershipError(_("Only members of the group have these settings."))
    membership.notify_versions = notify_versions
    membership.notify_deadlines = notify_deadlines
    membership.listed_publicly = listed_publicly
    db.session.flush()
    return membership
