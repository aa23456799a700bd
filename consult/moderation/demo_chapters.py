"""Demo: the closed consultations on the copyright and safety chapters, answered before adoption.

Both chapters were consulted on once and adopted as consulted, so no comment was taken into a
later version: the chairs noted the remaining points for the code's first review, or said why
the text stays. The disposition reports of those versions tell that story.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from consult.comments.demo import _snapshot
from consult.comments.models import Comment
from consult.drafts.services import sections_of
from consult.extensions import db
from consult.moderation.demo import _decide
from consult.moderation.models import Disposition, DispositionRecord

logger = logging.getLogger(__name__)

REVIEW = "Noted for the first review of the code, planned two years after its adoption."
# chapter -> (category of the author, provision number, kind, comment, outcome, rationale)
COMMENTS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "copyright": [
        (
            "industry",
            "2.2",
            "technical",
            "Which list of piracy domains? Unless one authoritative list is named, each provider "
            "will exclude different sites and nobody can check compliance.",
            "noted",
            "The Commission will publish a reference list kept with the EUIPO. " + REVIEW,
        ),
        (
            "civil-society",
            "3.1",
            "general",
            "The robots exclusion protocol was designed for search engines. Rightsholders should "
            "not have to block search indexing to opt out of training.",
            "noted",
            "Measure 3.2 already requires other machine-readable protocols to be respected. "
            + REVIEW,
        ),
        (
            "open-source",
            "4.3",
            "general",
            "Models released under open licences cannot control downstream use: the acceptable-use "
            "obligation should say what a provider can reasonably do.",
            "rejected",
            "Measure 4.3 already limits the obligation to informing downstream users in the "
            "licence; a further exemption would go beyond the AI Act.",
        ),
        (
            "sme",
            "5.2",
            "technical",
            "A complaint deadline of one month is too short for a provider with three staff. "
            "Please allow proportionate handling for SMEs.",
            "noted",
            "The AI Office's guidance on proportionality for SMEs covers complaint handling. "
            + REVIEW,
        ),
        (
            "academia",
            "2.4",
            "editorial",
            "Crawl records should state the date of each crawl, so that a reservation made later "
            "can be checked against it.",
            "noted",
            "Agreed in substance; measure 3.3 covers reservations made after crawling. " + REVIEW,
        ),
        (
            "industry",
            "1.2",
            "general",
            "Please clarify that the policy may be one document for all models of a provider.",
            "out_of_scope",
            "How a provider organises its documents is left to the provider; the measure requires "
            "the policy's content, not its form.",
        ),
    ],
    "safety-security": [
        (
            "academia",
            "3.2",
            "technical",
            "External evaluators need access to the model before release, not only to its API "
            "afterwards, or their findings come too late to matter.",
            "noted",
            "Measure 3.2 requires access adequate to the evaluation, including before placing on "
            "the market. " + REVIEW,
        ),
        (
            "industry",
            "7.1",
            "technical",
            "Incident reporting timelines should start when the provider knows of the incident, "
            "not when it occurred.",
            "rejected",
            "The timelines in measure 7.1 already run from awareness of the incident.",
        ),
        (
            "civil-society",
            "2.1",
            "general",
            "Risks to fundamental rights should be among the risks always considered.",
            "noted",
            "Measure 2.2 lets providers and the AI Office add risks; the list of risks always "
            "considered follows the AI Act's annex. " + REVIEW,
        ),
        (
            "open-source",
            "6.2",
            "general",
            "Protecting model weights makes no sense for models whose weights are published.",
            "noted",
            "Measure 6.2 applies before a release decision; for released weights it no longer "
            "applies. " + REVIEW,
        ),
        (
            "sme",
            "1.4",
            "editorial",
            "Say to whom the framework is notified and in which format.",
            "noted",
            "The AI Office will publish the notification template. " + REVIEW,
        ),
    ],
}


def load(context: dict[str, Any]) -> None:
    versions = context.get("versions", {})
    staff = context.get("staff", {})
    users = [u for u in context.get("stakeholders", []) if u.category is not None]
    if not users or not staff:
        return
    deciders = {
        "copyright": staff.get("chair-transparency-copyright"),
        "safety-security": staff.get("chair-risk-assessment"),
    }
    dispositions: list[Disposition] = []
    records: list[DispositionRecord] = []
    made = 0
    for slug, rows in COMMENTS.items():
        if slug not in versions or deciders[slug] is None:
            continue
        version = versions[slug][-1]
        assert version.opens_at is not None and version.closes_at is not None
        span = version.closes_at - version.opens_at
        sections = {s.number: s for s in sections_of(version)}
        by_category: dict[str, list[Any]] = {}
        for user in users:
            by_category.setdefault(user.category.slug, []).append(user)
        for index, (category, number, kind, body, outcome, rationale) in enumerate(rows):
            section = sections[number]
            authors = by_category[category]
            author = authors[index % len(authors)]
            created = version.opens_at + span * (index + 1) / (len(rows) + 2)
            comment = Comment(
                version_id=version.id,
                section_id=section.id,
                provision_id=section.provision_id,
                depth=0,
                kind=kind,
                body=body,
                created_at=created,
                updated_at=created,
                **_snapshot(author),
            )
            db.session.add(comment)
            db.session.flush()
            decided = version.closes_at + timedelta(days=2 + index % 3, hours=3)
            _decide(dispositions, records, comment, outcome, rationale, deciders[slug], decided)
            made += 1
    db.session.add_all(dispositions)
    db.session.add_all(records)
    db.session.flush()
    logger.info("demo chapters: %d answered comments on the adopted chapters", made)
