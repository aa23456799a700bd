"""Demo adoption: two chapters of the code adopted, its signatories, a withdrawal, AI Pact pledges
and reports."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from consult.accounts.models import PACT_CORE_PLEDGES, PACT_PILLAR_II, Organisation
from consult.accounts.organisations import representatives
from consult.adoption import pledges, services, signatory_reports
from consult.adoption.models import (
    Adoption,
    ImplementationReport,
    Pledge,
    PledgeRevision,
    SignatoryReport,
    Signature,
)
from consult.core.models import AuditEvent
from consult.core.timefmt import wall_clock
from consult.db import utcnow
from consult.extensions import db

logger = logging.getLogger(__name__)
CODE_SLUG = "gpai-code"
SIGNATORY_FUNCTIONS = ("Chief Executive Officer", "Managing Director", "General Counsel")
STATUS_CYCLE = ("implemented", "in_progress", "in_progress", "not_started")


def _signer(organisation: Organisation, admin: Any) -> Any:
    reps = representatives(organisation)
    return reps[0] if reps else admin


def _sign(code: Any, organisation: Organisation, chapters: list[int], admin: Any, i: int) -> Any:
    signer = _signer(organisation, admin)
    signature = services.sign_code(
        code, organisation, signer, chapters,
        signatory_name=signer.display_name if signer is not admin else "Authorised signatory",
        signatory_function=SIGNATORY_FUNCTIONS[i % len(SIGNATORY_FUNCTIONS)],
        authority="Empowered to represent the organisation by its articles of association.",
    )  # fmt: skip
    services.verify_signature(signature, admin)
    return signature


def load(context: dict[str, Any]) -> None:
    admin = context["admin"]
    staff = context["staff"]
    documents = context["documents"]
    versions = context["versions"]
    organisations: list[Organisation] = context["organisations"]
    now = utcnow()

    chapters = [documents[s] for s in ("transparency", "copyright", "safety-security")]
    code = services.create_code(
        CODE_SLUG,
        "General-Purpose AI Code of Practice",
        "The code in three chapters: transparency, copyright, and safety and security.",
        chapters,
        admin,
    )
    # Copyright, and safety and security, were adopted two months ago, once their consultations
    # had closed; transparency is still being revised (its version 2 is open for comments).
    chairs = {
        "copyright": "chair-transparency-copyright",
        "safety-security": "chair-risk-assessment",
    }
    adopted_at = wall_clock(-60, 11)
    for slug, chair in chairs.items():
        final = versions[slug][-1]
        adoption = services.propose_adoption(
            final, staff[chair], adopted_at.date(),
            note="Adopted by the plenary as the final text of the chapter.",
            link="https://digital-strategy.ec.europa.eu/en/policies/ai-code-practice",
        )  # fmt: skip
        services.confirm_adoption(adoption, admin)
        _backdate_adoption(adoption, adopted_at)

    verified = [o for o in organisations if o.verified_at is not None]
    all_ids = [documents[slug].id for slug in chairs]
    signatures: list[Signature] = []
    for i, organisation in enumerate(verified[:6]):
        signatures.append(_sign(code, organisation, all_ids, admin, i))
    # One provider signs only the safety and security chapter, as happened with the real code.
    _sign(code, verified[6], [documents["safety-security"].id], admin, 6)
    # One signs, then withdraws.
    withdrawn = _sign(code, verified[7], all_ids, admin, 7)
    services.withdraw_signature(
        withdrawn, _signer(verified[7], admin), "The organisation stopped providing the model."
    )
    for back, signature in enumerate(signatures):
        # The first three signed six weeks ago: their first monthly reports are due already.
        when = now - timedelta(days=(45 if back < 3 else 20) - back)
        db.session.execute(
            update(Signature)
            .where(Signature.id == signature.id)
            .values(submitted_at=when, verified_at=when + timedelta(days=1))
        )
        db.session.refresh(signature)
    _signatory_reports(code, signatures, admin, now)

    # Twelve AI Pact pledges with a report each, one overdue.
    pledges.ensure_core_commitments()
    optional = pledges.add_commitment("human_oversight", "Human oversight", admin)
    # Offered for a while, then retired: kept on the pledges that took it.
    retiring = pledges.add_commitment("incident_register", "A register of AI incidents", admin)
    pledging = [o for o in organisations if o.verified_at is not None][:12]
    for organisation in pledging:
        if organisation.pact_status != PACT_PILLAR_II:
            organisation.pact_status = PACT_PILLAR_II
            organisation.pact_pledges = list(PACT_CORE_PLEDGES)
            organisation.pact_pledge_date = (now - timedelta(days=400)).date()
            organisation.pact_verified_at = now - timedelta(days=390)
            organisation.pact_verified_by_id = admin.id
    round_ = pledges.create_round(
        "First implementation report", (now - timedelta(days=10)).date(), admin
    )
    commitments = pledges.commitments()
    for i, organisation in enumerate(pledging):
        texts = {c.id: f"{organisation.name} commits to: {c.title.lower()}." for c in commitments
                 if c.is_core or (c.id == optional.id and i % 3 == 0)
                 or (c.id == retiring.id and i % 4 == 1)}  # fmt: skip
        signer = _signer(organisation, admin)
        pledge = pledges.publish_pledge(organisation, signer, texts)
        db.session.execute(
            update(Pledge)
            .where(Pledge.id == pledge.id)
            .values(pledged_at=now - timedelta(days=380))
        )
        db.session.execute(
            update(PledgeRevision)
            .where(PledgeRevision.pledge_id == pledge.id)
            .values(created_at=now - timedelta(days=380))
        )
        db.session.refresh(pledge)
        if i == len(pledging) - 1:
            continue  # the overdue one
        entries = {
            item.commitment_id: (
                STATUS_CYCLE[(i + j) % len(STATUS_CYCLE)],
                "Policy adopted by the board; staff training under way.",
            )
            for j, item in enumerate(pledge.items)
        }
        report = pledges.submit_report(round_, pledge, signer, entries)
        db.session.execute(
            update(ImplementationReport)
            .where(ImplementationReport.id == report.id)
            .values(submitted_at=now - timedelta(days=12 + i))
        )
    pledges.retire_commitment(retiring, admin)
    _edit_a_pledge(pledging[0], admin)
    db.session.flush()
    context["code"] = code
    logger.info("adoption demo: %d signatures, %d pledges", len(signatures) + 2, len(pledging))


def _backdate_adoption(adoption: Adoption, at: datetime) -> None:
    """Place an adoption (and its audit events) on the demo's timeline, as for versions."""
    db.session.execute(
        update(Adoption)
        .where(Adoption.id == adoption.id)
        .values(proposed_at=at - timedelta(hours=3), confirmed_at=at)
    )
    db.session.execute(
        update(AuditEvent)
        .where(
            AuditEvent.object_type == Adoption.__tablename__, AuditEvent.object_id == adoption.id
        )
        .values(at=at)
    )
    db.session.expire(adoption)


def _signatory_reports(code: Any, signatures: list[Signature], admin: Any, now: Any) -> None:
    """Monthly reports per signed chapter: the first two signatories reported on every
    chapter, the third on all but safety and security (overdue)."""
    services.set_report_schedule(code, 1, admin)
    for i, signature in enumerate(signatures[:3]):
        signer = _signer(signature.organisation, admin)
        for j, due in enumerate(signatory_reports.outstanding(code, [signature])):
            if i == 2 and due.title == "Safety and security":
                continue  # the overdue one
            adoption = services.adopted_versions([due.document_id])[due.document_id]
            sections = signatory_reports.commitments_of([adoption.version_id])
            entries = {
                section.provision_id: (
                    STATUS_CYCLE[(i + j + k) % len(STATUS_CYCLE)],
                    "Documentation and processes in place; an external audit is planned.",
                )
                for k, section in enumerate(sections[adoption.version_id])
            }
            report = signatory_reports.submit_report(signature, due.document_id, signer, entries)
            db.session.execute(
                update(SignatoryReport)
                .where(SignatoryReport.id == report.id)
                .values(submitted_at=now - timedelta(days=12 - i - j))
            )


def _edit_a_pledge(organisation: Organisation, admin: Any) -> None:
    """One organisation sharpened its pledge after publishing it: its history shows both."""
    pledge = pledges.pledge_of(organisation)
    if pledge is None:
        return
    texts = {item.commitment_id: item.text for item in pledge.items}
    first = pledge.items[0].commitment_id
    texts[first] = texts[first] + " Reviewed each year by the board."
    pledges.edit_pledge(pledge, _signer(organisation, admin), texts)
