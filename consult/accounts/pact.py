"""AI Pact status of organisations: declared by their members, verified by administrators."""

from __future__ import annotations

from datetime import date
from typing import Any

from consult.accounts.models import (
    PACT_CORE_PLEDGES,
    PACT_NONE,
    PACT_OPTIONAL_PLEDGES,
    PACT_PILLAR_II,
    PACT_STATUSES,
    Organisation,
    User,
)
from consult.accounts.services import AccountError
from consult.core import audit
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
) -> Organisation:
    """Record an organisation's own AI Pact declaration; an admin must verify it again."""
    if status not in PACT_STATUSES:
        raise AccountError("Choose the organisation's AI Pact status.", field="status")
    pledges = list(pledges or [])
    if status == PACT_PILLAR_II:
        if pledge_date is None:
            raise AccountError("Enter the date of the pledge.", field="pledge_date")
        if pledge_date > utcnow().date():
            raise AccountError("The pledge date must be today or in the past.", "pledge_date")
        missing = [key for key in PACT_CORE_PLEDGES if key not in pledges]
        if missing:
            raise AccountError(
                "Pillar II signatories commit to all three core pledges.", field="core_pledges"
            )
        unknown = set(pledges) - set(PACT_CORE_PLEDGES) - set(PACT_OPTIONAL_PLEDGES)
        if unknown:
            raise AccountError("Choose pledges from the list.", field="optional_pledges")
    else:
        pledge_date, pledges = None, []
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
    return organisation


def verify_pact(organisation: Organisation, *, actor: User) -> None:
    """Confirm the organisation's declared AI Pact status (checked against the Pact's list)."""
    if organisation.pact_status == PACT_NONE:
        raise AccountError("This organisation has not declared any AI Pact status to verify.")
    if organisation.pact_verified_at is not None:
        raise AccountError("This AI Pact status is already verified.")
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
        raise AccountError("This AI Pact status is not verified.")
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
