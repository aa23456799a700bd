"""Organisation membership: pending ties, confirmation, representatives, verified domains."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.errors import AccountError
from consult.accounts.models import (
    CONFIRMED_AS_FOUNDER,
    CONFIRMED_BY_ADMIN,
    CONFIRMED_BY_DOMAIN,
    CONFIRMED_BY_REPRESENTATIVE,
    TIE_CONFIRMED,
    TIE_PENDING,
    TIE_REMOVED,
    Organisation,
    OrganisationDomain,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.permissions import is_admin
from consult.core.urls import email_url
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Anyone can have an address there: never proof of working for an organisation.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
        "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "proton.me",
        "protonmail.com", "mail.com", "yandex.com", "orange.fr", "free.fr", "libero.it",
    }
)  # fmt: skip


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def _link(organisation: Organisation) -> str:
    return email_url("accounts.show_organisation", organisation_id=organisation.id)


def tie_of(user: User, organisation: Organisation) -> OrganisationMembership | None:
    return db.session.scalars(
        select(OrganisationMembership).where(
            OrganisationMembership.user_id == user.id,
            OrganisationMembership.organisation_id == organisation.id,
        )
    ).first()


def join_organisation(
    user: User, organisation: Organisation, *, founder: bool = False
) -> OrganisationMembership:
    """Name `organisation` as the user's: a pending tie, or a confirmed provisional
    representative for the person who registers a new organisation."""
    tie = tie_of(user, organisation) if user.id else None
    if tie is None:
        tie = OrganisationMembership(organisation=organisation, user=user)
        db.session.add(tie)
    user.organisation = organisation
    tie.status = TIE_CONFIRMED if founder else TIE_PENDING
    tie.is_representative = founder
    tie.confirmed_via = CONFIRMED_AS_FOUNDER if founder else None
    tie.decided_by_id, tie.decided_at = None, None
    db.session.flush()
    audit.record(
        user,
        "organisation.register" if founder else "organisation.member_request",
        organisation,
        f"{user.email} registered {organisation.name} (provisional representative)"
        if founder
        else f"{user.email} named {organisation.name} as their organisation (pending)",
    )
    return tie


def representatives(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(OrganisationMembership, OrganisationMembership.user_id == User.id)
            .where(
                OrganisationMembership.organisation_id == organisation.id,
                OrganisationMembership.status == TIE_CONFIRMED,
                OrganisationMembership.is_representative.is_(True),
                User.organisation_id == organisation.id,
                User.is_disabled.is_(False),
            )
            .order_by(func.lower(User.display_name))
        )
    )


def domain_matches(user: User, organisation: Organisation) -> bool:
    return (
        db.session.scalar(
            select(OrganisationDomain.id).where(
                OrganisationDomain.organisation_id == organisation.id,
                OrganisationDomain.domain == email_domain(user.email),
            )
        )
        is not None
    )


def address_verified(user: User) -> None:
    """Called when a user confirms their address: a pending tie on a verified domain of the
    organisation is confirmed; otherwise its representatives are asked to decide."""
    tie = user.organisation_tie
    if user.organisation is None or tie is None or tie.status != TIE_PENDING:
        return
    organisation = user.organisation
    if domain_matches(user, organisation):
        _confirm(tie, actor=None, via=CONFIRMED_BY_DOMAIN)
        return
    for rep in representatives(organisation):
        outbox.notify(
            rep,
            _l(
                "%(member)s says they belong to %(name)s",
                member=user.display_name,
                name=organisation.name,
            ),
            "organisation_pending",
            member=user,
            organisation=organisation,
            link=_link(organisation),
        )


def _confirm(tie: OrganisationMembership, *, actor: User | None, via: str) -> None:
    tie.status = TIE_CONFIRMED
    tie.confirmed_via = via
    tie.decided_by_id = actor.id if actor else None
    tie.decided_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "organisation.member_confirm",
        tie.organisation,
        f"{tie.user.email} confirmed as a member of {tie.organisation.name} ({via})",
        after={"user_id": tie.user_id, "via": via},
    )
    outbox.queue_template(
        tie.user,
        _l("You now speak for %(name)s", name=tie.organisation.name),
        "organisation_decision",
        approved=True,
        organisation=tie.organisation,
        via=via,
        link=_link(tie.organisation),
    )


def decide_member(tie: OrganisationMembership, *, approve: bool, actor: User) -> None:
    """A representative or an admin confirms or declines a pending member."""
    if tie.status != TIE_PENDING:
        raise AccountError(_("This request has already been decided."))
    if approve:
        via = CONFIRMED_BY_ADMIN if is_admin(actor) else CONFIRMED_BY_REPRESENTATIVE
        _confirm(tie, actor=actor, via=via)
        return
    _detach(tie, actor=actor, action="organisation.member_decline")
    outbox.queue_template(
        tie.user,
        _l("Your membership of %(name)s was not confirmed", name=tie.organisation.name),
        "organisation_decision",
        approved=False,
        organisation=tie.organisation,
        via="",
        link=_link(tie.organisation),
    )


def _detach(tie: OrganisationMembership, *, actor: User | None, action: str) -> None:
    """End a tie: the person speaks as an individual from now on (their own category)."""
    tie.status = TIE_REMOVED
    tie.is_representative = False
    tie.decided_by_id = actor.id if actor else None
    tie.decided_at = utcnow()
    if tie.user.organisation_id == tie.organisation_id:
        tie.user.organisation = None
    db.session.flush()
    audit.record(
        actor,
        action,
        tie.organisation,
        f"{tie.user.email} is no longer tied to {tie.organisation.name}",
        after={"user_id": tie.user_id},
    )


def remove_member(tie: OrganisationMembership, *, actor: User) -> None:
    if tie.status != TIE_CONFIRMED:
        raise AccountError(_("Only a confirmed member can be removed."))
    if tie.is_representative and len(representatives(tie.organisation)) <= 1:
        raise AccountError(_("Name another representative first: the organisation needs one."))
    _detach(tie, actor=actor, action="organisation.member_remove")
    outbox.queue_template(
        tie.user,
        _l("You no longer speak for %(name)s", name=tie.organisation.name),
        "organisation_decision",
        approved=False,
        removed=True,
        organisation=tie.organisation,
        via="",
        link=_link(tie.organisation),
    )


def set_representative(tie: OrganisationMembership, *, representative: bool, actor: User) -> None:
    if tie.status != TIE_CONFIRMED:
        raise AccountError(_("Only a confirmed member can be a representative."))
    if tie.is_representative == representative:
        return
    if not representative and len(representatives(tie.organisation)) <= 1:
        raise AccountError(_("The organisation needs at least one representative."))
    tie.is_representative = representative
    db.session.flush()
    verb = "named" if representative else "no longer"
    audit.record(
        actor,
        "organisation.representative_" + ("add" if representative else "remove"),
        tie.organisation,
        f"{tie.user.email} {verb} representative of {tie.organisation.name}",
        after={"user_id": tie.user_id, "representative": representative},
    )
    outbox.queue_template(
        tie.user,
        _l("Representative of %(name)s", name=tie.organisation.name),
        "organisation_representative",
        representative=representative,
        organisation=tie.organisation,
        link=_link(tie.organisation),
    )


def add_domain(organisation: Organisation, domain: str, *, actor: User) -> OrganisationDomain:
    """Verify an e-mail domain as the organisation's. A representative may add only the domain
    of their own confirmed address (proof they hold one there); admins any domain."""
    domain = domain.strip().lower().lstrip("@")
    if not DOMAIN.fullmatch(domain):
        raise AccountError(_("Enter a domain such as example.org."), field="domain")
    if domain in PUBLIC_MAIL_DOMAINS:
        raise AccountError(_("Anyone can have an address there: choose your own domain."), "domain")
    if not is_admin(actor) and email_domain(actor.email) != domain:
        raise AccountError(
            _(
                "You can add only the domain of your own address (%(domain)s); "
                "an administrator can add others.",
                domain=email_domain(actor.email),
            ),
            field="domain",
        )
    taken = db.session.scalars(
        select(OrganisationDomain).where(OrganisationDomain.domain == domain)
    ).first()
    if taken is not None:
        raise AccountError(_("This domain is already verified for an organisation."), "domain")
    row = OrganisationDomain(organisation_id=organisation.id, domain=domain, added_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "organisation.domain_add", organisation, f"{domain} verified")
    # People already waiting with a confirmed address on it need wait no longer.
    for tie in pending_members(organisation):
        if tie.user.is_verified and email_domain(tie.user.email) == domain:
            _confirm(tie, actor=actor, via=CONFIRMED_BY_DOMAIN)
    return row


def remove_domain(row: OrganisationDomain, *, actor: User) -> None:
    organisation = db.session.get_one(Organisation, row.organisation_id)
    db.session.delete(row)  # a setting, not user content; the audit event keeps the record
    db.session.flush()
    audit.record(actor, "organisation.domain_remove", organisation, f"{row.domain} removed")


def domains_of(organisation: Organisation) -> list[OrganisationDomain]:
    return list(
        db.session.scalars(
            select(OrganisationDomain)
            .where(OrganisationDomain.organisation_id == organisation.id)
            .order_by(OrganisationDomain.domain)
        )
    )


def _ties(organisation: Organisation, status: str) -> Any:
    return (
        select(OrganisationMembership)
        .join(User, User.id == OrganisationMembership.user_id)
        .where(
            OrganisationMembership.organisation_id == organisation.id,
            OrganisationMembership.status == status,
            User.is_disabled.is_(False),
        )
        .order_by(func.lower(User.display_name), User.id)
    )


def pending_members(organisation: Organisation, limit: int = 200) -> list[OrganisationMembership]:
    return list(db.session.scalars(_ties(organisation, TIE_PENDING).limit(limit)))


def confirmed_members(
    organisation: Organisation, *, listed_only: bool, limit: int = 200
) -> list[OrganisationMembership]:
    stmt = _ties(organisation, TIE_CONFIRMED)
    if listed_only:
        stmt = stmt.where(User.listed_publicly.is_(True))
    return list(db.session.scalars(stmt.limit(limit)))


def count_confirmed(organisation: Organisation) -> int:
    stmt = _ties(organisation, TIE_CONFIRMED).order_by(None)
    return int(db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def update_details(
    organisation: Organisation,
    *,
    name: str,
    category: StakeholderCategory,
    country: str,
    transparency_register_id: str | None,
    actor: User,
) -> None:
    """A representative (or admin) corrects the organisation's details; audited."""
    name = name.strip()
    clash = db.session.scalars(
        select(Organisation).where(
            func.lower(Organisation.name) == name.lower(), Organisation.id != organisation.id
        )
    ).first()
    if clash is not None:
        raise AccountError(_("Another organisation already has this name."), field="name")
    before = _details(organisation)
    organisation.name = name
    organisation.category = category
    organisation.country = country.upper()
    organisation.transparency_register_id = transparency_register_id or None
    db.session.flush()
    audit.record(
        actor,
        "organisation.update",
        organisation,
        f"{organisation.name}: details changed",
        before=before,
        after=_details(organisation),
    )


def _details(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "category_id": organisation.category_id,
        "country": organisation.country,
        "transparency_register_id": organisation.transparency_register_id,
    }


def verify_organisation(organisation: Organisation, *, actor: User) -> None:
    """An administrator confirms the organisation exists as registered; its provisional
    representatives become its representatives."""
    if organisation.verified_at is not None:
        raise AccountError(_("This organisation is already verified."))
    organisation.verified_at = utcnow()
    db.session.flush()
    audit.record(actor, "organisation.verify", organisation, f"{organisation.name} verified")
    for rep in representatives(organisation):
        outbox.queue_template(
            rep,
            _l("%(name)s has been verified", name=organisation.name),
            "organisation_verified",
            organisation=organisation,
            link=_link(organisation),
        )
