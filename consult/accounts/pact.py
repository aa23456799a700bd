"""AI Pact status of organisations: declared by representatives, verified by administrators."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.errors import AccountError
from consult.accounts.models import (
    PACT_CORE_PLEDGES,
    PACT_NONE,
    PACT_OPTIONAL_PLEDGES,
    PACT_PILLAR_II,
    PACT_STATUSES,
    REQUEST_APPROVED,
    REQUEST_DECLINED,
    REQUEST_PENDING,
    Organisation,
    PactChangeRequest,
    User,
)
from consult.accounts.organisations import representatives
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.db import utcnow
from consult.extensions import db


def pact_snapshot(organisation: Organisation) -> dict[str, Any]:
    """The AI Pact fields as plain data, for audit before/after."""
    return {
        "status": organisation.pact_status,
        "pledge_date": organisation.pact_pledge_date.isoformat()
        if organisation.pact_pledge_date
        else None,
        "pledges": list(organisation.pact_pledges or []),
        "verified_at": organisation.pact_verified_at.isoformat()
        if organisation.pact_verified_at
        else None,
    }


def declare_pact(
    organisation: Organisation,
    *,
    user: User,
    status: str,
    pledge_date: date | None = None,
    pledges: list[str] | None = None,
) -> PactChangeRequest | None:
    """Record an organisation's own AI Pact declaration (an admin then verifies it).

    A change to a *verified* declaration is only a request (returned): an administrator
    approves it, and the verified status stands meanwhile.
    """
    if status not in PACT_STATUSES:
        raise AccountError(_("Choose the organisation's AI Pact status."), field="status")
    pledges = list(pledges or [])
    if status == PACT_PILLAR_II:
        if pledge_date is None:
            raise AccountError(_("Enter the date of the pledge."), field="pledge_date")
        if pledge_date > utcnow().date():
            raise AccountError(_("The pledge date must be today or in the past."), "pledge_date")
        missing = [key for key in PACT_CORE_PLEDGES if key not in pledges]
        if missing:
            raise AccountError(
                _("Pillar II signatories commit to all three core pledges."),
                field="core_pledges",
            )
        unknown = set(pledges) - set(PACT_CORE_PLEDGES) - set(PACT_OPTIONAL_PLEDGES)
        if unknown:
            raise AccountError(_("Choose pledges from the list."), field="optional_pledges")
    else:
        pledge_date, pledges = None, []
    if organisation.pact_verified:
        return _request_change(organisation, user, status, pledge_date, pledges)
    before = pact_snapshot(organisation)
    organisation.pact_status = status
    organisation.pact_pledge_date = pledge_date
    organisation.pact_pledges = pledges
    organisation.pact_verified_at = None
    organisation.pact_verified_by_id = None
    db.session.flush()
    audit.record(
        user,
        "organisation.pact_declare",
        organisation,
        f"{organisation.name} declared: {PACT_STATUSES[status]}",
        before=before,
        after=pact_snapshot(organisation),
    )
    return None


def pending_change(organisation: Organisation) -> PactChangeRequest | None:
    return db.session.scalars(
        select(PactChangeRequest).where(
            PactChangeRequest.organisation_id == organisation.id,
            PactChangeRequest.status == REQUEST_PENDING,
        )
    ).first()


def pending_changes(limit: int = 100) -> list[PactChangeRequest]:
    return list(
        db.session.scalars(
            select(PactChangeRequest)
            .where(PactChangeRequest.status == REQUEST_PENDING)
            .order_by(PactChangeRequest.created_at, PactChangeRequest.id)
            .limit(limit)
        )
    )


def _request_change(
    organisation: Organisation,
    user: User,
    status: str,
    pledge_date: date | None,
    pledges: list[str],
) -> PactChangeRequest:
    """One pending request per organisation: a new declaration replaces the waiting one."""
    request = pending_change(organisation)
    if request is None:
        request = PactChangeRequest(organisation_id=organisation.id)
        db.session.add(request)
    request.requested_by_id = user.id
    request.pact_status = status
    request.pact_pledge_date = pledge_date
    request.pact_pledges = pledges
    db.session.flush()
    audit.record(
        user,
        "organisation.pact_change_request",
        organisation,
        f"{organisation.name} asks to change its verified AI Pact status to "
        f"{PACT_STATUSES[status]}",
        before=pact_snapshot(organisation),
        after={"status": status, "pledges": pledges, "request_id": request.id},
    )
    return request


def decide_change(request: PactChangeRequest, *, approve: bool, actor: User) -> None:
    """An administrator applies (and thereby verifies) a requested change, or declines it."""
    if request.status != REQUEST_PENDING:
        raise AccountError(_("This request has already been decided."))
    organisation = request.organisation
    before = pact_snapshot(organisation)
    request.status = REQUEST_APPROVED if approve else REQUEST_DECLINED
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    if approve:
        organisation.pact_status = request.pact_status
        organisation.pact_pledge_date = request.pact_pledge_date
        organisation.pact_pledges = list(request.pact_pledges or [])
        verified = organisation.pact_status != PACT_NONE
        organisation.pact_verified_at = utcnow() if verified else None
        organisation.pact_verified_by_id = actor.id if verified else None
    db.session.flush()
    audit.record(
        actor,
        "organisation.pact_change_" + ("approve" if approve else "decline"),
        organisation,
        f"{organisation.name}: change to {request.pact_label} "
        + ("approved" if approve else "declined"),
        before=before,
        after=pact_snapshot(organisation),
    )
    link = email_url("accounts.show_organisation", organisation_id=organisation.id)
    for rep in representatives(organisation):
        outbox.queue_template(
            rep,
            (
                _l("AI Pact change for %(name)s approved", name=organisation.name)
                if approve
                else _l("AI Pact change for %(name)s declined", name=organisation.name)
            ),
            "pact_change_decision",
            organisation=organisation,
            request=request,
            approved=approve,
            link=link,
        )


def verify_pact(organisation: Organisation, *, actor: User) -> None:
    """Confirm the organisation's declared AI Pact status (checked against the Pact's list)."""
    if organisation.pact_status == PACT_NONE:
        raise AccountError(_("This organisation has not declared any AI Pact status to verify."))
    if organisation.pact_verified_at is not None:
        raise AccountError(_("This AI Pact status is already verified."))
    before = pact_snapshot(organisation)
    organisation.pact_verified_at = utcnow()
    organisation.pact_verified_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        "organisation.pact_verify",
        organisation,
        f"{organisation.name}: {organisation.pact_label} verified",
        before=before,
        after=pact_snapshot(organisation),
    )


def revoke_pact_verification(organisation: Organisation, *, actor: User) -> None:
    if organisation.pact_verified_at is None:
        raise AccountError(_("This AI Pact status is not verified."))
    before = pact_snapshot(organisation)
    organisation.pact_verified_at = None
    organisation.pact_verified_by_id = None
    db.session.flush()
    audit.record(
        actor,
        "organisation.pact_revoke",
        organisation,
        f"{organisation.name}: verification of {organisation.pact_label} withdrawn",
        before=before,
        after=pact_snapshot(organisation),
    )
