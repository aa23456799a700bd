"""Administration services: users, organisations, categories and the audit log queries."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from consult.accounts.models import (
    PACT_NONE,
    PACT_STATUSES,
    REQUEST_PENDING,
    Organisation,
    PactChangeRequest,
    StakeholderCategory,
    User,
)
from consult.accounts.services import AccountError, find_organisation_by_name
from consult.core import audit
from consult.core.models import AuditEvent, OutboxMessage
from consult.db import utcnow
from consult.extensions import db

# -- dashboard and lists -----------------------------------------------------------------


def dashboard_counts() -> dict[str, int]:
    """The numbers on the admin home page, one aggregate query per table."""
    users = db.session.execute(
        select(
            func.count(User.id),
            func.count(User.id).filter(User.email_verified_at.is_(None)),
            func.count(User.id).filter(User.is_admin.is_(True)),
            func.count(User.id).filter(User.is_disabled.is_(True)),
        )
    ).one()
    organisations = db.session.execute(
        select(
            func.count(Organisation.id),
            func.count(Organisation.id).filter(
                Organisation.pact_status != PACT_NONE, Organisation.pact_verified_at.is_(None)
            ),
        )
    ).one()
    pact_changes = db.session.scalar(
        select(func.count(PactChangeRequest.id)).where(PactChangeRequest.status == REQUEST_PENDING)
    )
    unverified_orgs = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.verified_at.is_(None))
    )
    pending_mail, failed_mail = db.session.execute(
        select(
            func.count(OutboxMessage.id).filter(OutboxMessage.status == "pending"),
            func.count(OutboxMessage.id).filter(OutboxMessage.status == "failed"),
        )
    ).one()
    return {
        "users": users[0],
        "unverified": users[1],
        "admins": users[2],
        "disabled": users[3],
        "organisations": organisations[0],
        "pact_to_verify": organisations[1],
        "pending_mail": pending_mail or 0,
        "pact_changes": pact_changes or 0,
        "unverified_organisations": unverified_orgs or 0,
        "failed_mail": failed_mail or 0,
    }


def failed_mail(limit: int = 20) -> list[OutboxMessage]:
    """The latest e-mails the sender gave up on (cannot be built, or refused every attempt)."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "failed")
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def _like(text: str) -> str:
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def users_query(search: str = "") -> Select[Any]:
    """Users matching a name or e-mail fragment, newest first (organisation joined eagerly)."""
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if search.strip():
        pattern = _like(search)
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    return stmt


def organisations_query(
    search: str = "",
    category_id: int | None = None,
    pact: str = "",
    verified: str = "",
) -> Select[Any]:
    """(Organisation, member count) rows matching the filters, by name."""
    members = (
        select(User.organisation_id, func.count(User.id).label("members"))
        .where(User.organisation_id.is_not(None))
        .group_by(User.organisation_id)
        .subquery()
    )
    stmt: Select = (  # several entities: Select[*tuple[Any, ...]]
        select(Organisation, func.coalesce(members.c.members, 0).label("members"))
        .outerjoin(members, members.c.organisation_id == Organisation.id)
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    if search.strip():
        pattern = _like(search)
        stmt = stmt.where(
            or_(
                func.lower(Organisation.name).like(pattern, escape="\\"),
                func.lower(func.coalesce(Organisation.transparency_register_id, "")).like(
                    pattern, escape="\\"
                ),
            )
        )
    if category_id:
        stmt = stmt.where(Organisation.category_id == category_id)
    if pact in PACT_STATUSES:
        stmt = stmt.where(Organisation.pact_status == pact)
    if verified == "yes":
        stmt = stmt.where(Organisation.pact_verified_at.is_not(None))
    elif verified == "no":
        stmt = stmt.where(
            Organisation.pact_status != PACT_NONE, Organisation.pact_verified_at.is_(None)
        )
    elif verified == "change":
        stmt = stmt.where(
            Organisation.id.in_(
                select(PactChangeRequest.organisation_id).where(
                    PactChangeRequest.status == REQUEST_PENDING
                )
            )
        )
    elif verified == "organisation":
        stmt = stmt.where(Organisation.verified_at.is_(None))
    return stmt


def audit_query(action_prefix: str = "") -> Select[Any]:
    """(AuditEvent, actor User or None) rows, newest first."""
    actor = aliased(User)
    stmt: Select = (  # several entities: Select[*tuple[Any, ...]]
        select(AuditEvent, actor)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if action_prefix.strip():
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix.strip(), autoescape=True))
    return stmt


def audit_actions() -> list[str]:
    """The distinct action names seen so far, for the filter's suggestions."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by("action")))


def recent_events_for(obj: Any, limit: int = 20) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == obj.__tablename__, AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def members_of(organisation: Organisation, limit: int = 200) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id)
            .order_by(func.lower(User.display_name))
            .limit(limit)
        )
    )


# -- users -------------------------------------------------------------------------------


def grant_admin(user: User, *, actor: User) -> None:
    if user.is_admin:
        raise AccountError(f"{user.display_name} is already an administrator.")
    user.is_admin = True
    db.session.flush()
    audit.record(actor, "user.grant_admin", user, f"{user.email} made administrator")


def revoke_admin(user: User, *, actor: User) -> None:
    if user.id == actor.id:
        raise AccountError(_("You cannot remove your own administrator role."))
    if not user.is_admin:
        raise AccountError(f"{user.display_name} is not an administrator.")
    user.is_admin = False
    db.session.flush()
    audit.record(actor, "user.revoke_admin", user, f"{user.email} no longer administrator")


def disable_user(user: User, *, actor: User) -> None:
    """Disabled accounts cannot sign in, and their open sessions end at the next request."""
    if user.id == actor.id:
        raise AccountError(_("You cannot disable your own account."))
    if user.is_disabled:
        raise AccountError(f"{user.display_name} is already disabled.")
    user.is_disabled = True
    db.session.flush()
    audit.record(actor, "user.disable", user, f"{user.email} disabled")


def enable_user(user: User, *, actor: User) -> None:
    if not user.is_disabled:
        raise AccountError(f"{user.display_name} is not disabled.")
    user.is_disabled = False
    db.session.flush()
    audit.record(actor, "user.enable", user, f"{user.email} enabled")


# -- organisations -----------------------------------------------------------------------


def _organisation_fields(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "category_id": organisation.category_id,
        "country": organisation.country,
        "transparency_register_id": organisation.transparency_register_id,
    }


def update_organisation(
    organisation: Organisation,
    *,
    actor: User,
    name: str,
    category: StakeholderCategory,
    country: str,
    transparency_register_id: str | None,
) -> None:
    other = find_organisation_by_name(name)
    if other is not None and other.id != organisation.id:
        raise AccountError(_("Another organisation already has this name."), field="name")
    before = _organisation_fields(organisation)
    organisation.name = name.strip()
    organisation.category = category
    organisation.country = country.upper()
    organisation.transparency_register_id = transparency_register_id or None
    db.session.flush()
    after = _organisation_fields(organisation)
    if before != after:
        audit.record(
            actor,
            "organisation.update",
            organisation,
            f"{organisation.name} edited",
            before=before,
            after=after,
        )


# -- categories --------------------------------------------------------------------------


def _slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "category"


def _name_taken(name: str, exclude_id: int | None = None) -> bool:
    stmt = select(StakeholderCategory.id).where(
        func.lower(StakeholderCategory.name) == name.strip().lower()
    )
    if exclude_id is not None:
        stmt = stmt.where(StakeholderCategory.id != exclude_id)
    return db.session.scalars(stmt).first() is not None


def add_category(name: str, *, actor: User) -> StakeholderCategory:
    name = name.strip()
    if _name_taken(name):
        raise AccountError(_("A category with this name already exists."), field="name")
    slug, n = _slugify(name), 1
    while db.session.scalars(
        select(StakeholderCategory.id).where(StakeholderCategory.slug == slug)
    ).first():
        n += 1
        slug = f"{_slugify(name)[:36]}-{n}"
    position = db.session.scalar(select(func.max(StakeholderCategory.position))) or 0
    category = StakeholderCategory(slug=slug, name=name, position=position + 1)
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "category.add", category, f"Category “{name}” added")
    return category


def rename_category(category: StakeholderCategory, name: str, *, actor: User) -> None:
    name = name.strip()
    if _name_taken(name, exclude_id=category.id):
        raise AccountError(_("A category with this name already exists."), field="name")
    before = {"name": category.name}
    category.name = name
    db.session.flush()
    audit.record(
        actor, "category.rename", category, f"Category renamed to “{name}”",
        before=before, after={"name": name},
    )  # fmt: skip


def retire_category(category: StakeholderCategory, *, actor: User) -> None:
    """Retired categories stay on old comments and in filters, but are not offered any more."""
    if category.retired_at is not None:
        raise AccountError(f"“{category.name}” is already retired.")
    category.retired_at = utcnow()
    db.session.flush()
    audit.record(actor, "category.retire", category, f"Category “{category.name}” retired")


def unretire_category(category: StakeholderCategory, *, actor: User) -> None:
    if category.retired_at is None:
        raise AccountError(f"“{category.name}” is not retired.")
    category.retired_at = None
    db.session.flush()
    audit.record(actor, "category.unretire", category, f"Category “{category.name}” restored")


def category_usage() -> dict[int, int]:
    """How many organisations use each category (one grouped query)."""
    rows = db.session.execute(
        select(Organisation.category_id, func.count(Organisation.id)).group_by(
            Organisation.category_id
        )
    )
    return {category_id: count for category_id, count in rows}
