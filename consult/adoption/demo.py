"""Demo adoption: the code adopted, its signatories, a withdrawal, AI Pact pledges and reports."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from consult.accounts.models import PACT_CORE_PLEDGES, PACT_PILLAR_II, Organisation
from consult.accounts.organisations import representatives
from consult.adoption import pledges, services
from consult.adoption.models import ImplementationReport, Pledge, Signature
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
    chairs = {
        "transparency": "chair-transparency-copyright",
        "copyright": "chair-transparency-copyright",
        "safety-security": "chair-risk-assessment",
    }
    for slug, chair in chairs.items():
        final = versions[slug][-1]
        adoption = services.propose_adoption(
            final, staff[chair], (now - timedelta(days=1)).date(),
            note="Adopted by the plenary as the final text of the chapter.",
            link="https://digital-strategy.ec.europa.eu/en/policies/ai-code-practice",
        )  # fmt: skip
        services.confirm_adoption(adoption, admin)

    verified = [o for o in organisations if o.verified_at is not None]
    all_ids = [d.id for d in chapters]
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
        when = now - timedelta(days=20 - back)
        db.session.execute(
            update(Signature)
            .where(Signature.id == signature.id)
            .values(submitted_at=when, verified_at=when + timedelta(days=1))
        )

    # Twelve AI Pact pledges with a report each, one overdue.
    pledges.ensure_core_commitments()
    optional = pledges.add_commitment("human_oversight", "Human oversight", admin)
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
                 if c.is_core or (c.id == optional.id and i % 3 == 0)}  # fmt: skip
        signer = _signer(organisation, admin)
        pledge = pledges.publish_pledge(organisation, signer, texts)
        db.session.execute(
            update(Pledge)
            .where(Pledge.id == pledge.id)
            .values(pledged_at=now - timedelta(days=380))
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
    db.session.flush()
    context["code"] = code
    logger.info("adoption demo: %d signatures, %d pledges", len(signatures) + 2, len(pledging))
