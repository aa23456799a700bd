"""Demo: an industry association drafting in its workspace, one draft approved with a paper."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from consult.accounts.models import (
    TIE_CONFIRMED,
    Organisation,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.attachments import services as attachments
from consult.attachments.samples import make_pdf
from consult.attachments.storage import stage_bytes
from consult.comments import workspace
from consult.db import utcnow
from consult.drafts.services import sections_of
from consult.extensions import db

logger = logging.getLogger(__name__)

ASSOCIATION = "European AI Industry Association"
PEOPLE = (
    ("sofia.association@consult.example", "Sofia Marchetti", True),
    ("jan.association@consult.example", "Jan de Vries", False),
    ("marta.association@consult.example", "Marta Nowak", False),
)
PAPER = [
    [
        "European AI Industry Association - Position paper",
        "Documentation of general-purpose AI models",
        "1. One documentation set should serve the AI Office and downstream providers.",
        "2. Commercially sensitive details of training pipelines should be shared under",
        "   confidentiality, not published.",
    ],
    [
        "3. A fixed review cycle of twelve months is clearer than 'without undue delay'.",
        "4. Model cards meeting the listed items should be accepted as sufficient.",
        "Our members: providers and deployers of general-purpose AI across the Union.",
    ],
]


def load(context: dict[str, Any], password_hash: str | None = None) -> None:
    versions = context.get("versions", {}).get("transparency")
    if not versions or len(versions) < 2:
        return
    version = versions[1]
    if version.window_state(utcnow()) != "open":
        logger.warning("workspace demo skipped: version %s is not open", version.number)
        return
    industry = db.session.scalars(
        select(StakeholderCategory).where(StakeholderCategory.slug == "industry")
    ).one()
    now = utcnow()
    association = Organisation(name=ASSOCIATION, category=industry, country="BE", verified_at=now)
    db.session.add(association)
    db.session.flush()
    if password_hash is None:
        any_user = next(iter(context.get("stakeholders", [])), None)
        password_hash = any_user.password_hash if any_user is not None else "!"
    people = []
    for email, name, representative in PEOPLE:
        person = User(
            email=email,
            display_name=name,
            password_hash=password_hash,
            organisation=association,
            email_verified_at=now,
        )
        db.session.add(person)
        db.session.flush()
        db.session.add(
            OrganisationMembership(
                organisation_id=association.id,
                user_id=person.id,
                status=TIE_CONFIRMED,
                is_representative=representative,
                confirmed_via="admin",
                decided_at=now,
            )
        )
        db.session.flush()
        db.session.expire(person, ["organisation_tie"])
        people.append(person)
    sofia, jan, marta = people
    every = sections_of(version)
    sections = [s for s in every if s.kind in {"measure", "commitment"}] or every
    first = workspace.create_draft(
        association,
        sections[0],
        user=jan,
        kind="general",
        body="Our members support documenting models, but one documentation set should serve "
        "both the AI Office and downstream providers. See our position paper.",
    )
    workspace.edit_draft(
        first,
        user=marta,
        base_revision=1,
        kind="general",
        body="Our members support documenting models, but one documentation set should serve "
        "both the AI Office and downstream providers, reviewed every twelve months. "
        "See our position paper.",
    )
    workspace.add_note(first, user=marta, body="I added the review cycle we agreed in the board.")
    staged = stage_bytes(make_pdf(PAPER), "EAIIA position paper on documentation.pdf")
    attachments.attach(workspace.OWNER_DRAFT, first.id, [staged], user=jan)
    workspace.approve_drafts([first], user=sofia)
    second = workspace.create_draft(
        association,
        sections[min(1, len(sections) - 1)],
        user=marta,
        kind="technical",
        body="The measure should say whether fine-tuned derivatives published by others are in "
        "scope. Draft: to be checked with the legal working group.",
    )
    workspace.add_note(second, user=jan, body="Legal asked for one more week; do not approve yet.")
    db.session.flush()
    context["association"] = association
    logger.info("demo workspace: %s with 2 drafts, 1 approved", ASSOCIATION)
