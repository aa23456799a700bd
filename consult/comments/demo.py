"""Demo comments: threads on the open transparency draft, and v1 comments for moderation."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert

from consult.accounts.affiliation import speaking_for
from consult.comments import demo_languages
from consult.comments.models import Comment, CommentReport, Endorsement
from consult.comments.text import plain_text
from consult.db import utcnow
from consult.drafts.services import sections_of
from consult.extensions import db

logger = logging.getLogger(__name__)

TOP_LEVEL_V2 = 150
TOP_LEVEL_V1 = 60

OPINIONS: dict[str, list[str]] = {
    "industry": [
        "We support the objective, but the level of detail required here would force us to "
        "disclose parts of our training pipeline that are commercially sensitive. Sharing them "
        "with the AI Office under confidentiality would achieve the same aim.",
        "The documentation asked for here duplicates what Annex XI already requires. Please align "
        "the fields so that one document serves both purposes.",
        "Please clarify whether fine-tuned derivatives published by downstream providers are in "
        "scope. As written, the original provider could be held to document models it has never "
        "seen.",
        "*Without undue delay* is hard to operationalise for documentation sets of several hundred "
        "pages. A fixed review cycle (for example every twelve months, and at each major release) "
        "would be clearer.",
        "We already publish model cards for every release. The measure should say explicitly that "
        "an up-to-date model card meeting the listed items is sufficient.",
    ],
    "sme": [
        "For a provider with thirty staff, keeping this documentation for every model version is "
        "a heavy burden. Could the measure allow a simplified form for SMEs, as Article 53 "
        "envisages?",
        "We build on open-weight base models. It is not clear which of these duties fall on us and "
        "which stay with the provider of the base model.",
        "Templates and worked examples from the AI Office would make compliance far cheaper for "
        "small providers. Could the next draft annex one?",
        "The cost estimate in the explanatory notes assumes a compliance team we do not have. "
        "Please consider a longer transition period for SMEs and start-ups.",
    ],
    "academia": [
        "The measure should require documenting the data curation methodology, not only the list "
        "of sources; without it, evaluation results cannot be reproduced or compared.",
        "We recommend referring to established practice (model cards, datasheets for datasets) "
        "instead of introducing a parallel vocabulary.",
        "*Sufficiently detailed* is not defined. We suggest a minimum set of items:\n\n"
        "- training compute and energy use\n- evaluation results with the benchmarks used\n"
        "- known limitations",
        "Researchers with vetted access should be able to request this documentation too; "
        "otherwise independent evaluation of systemic risks remains impossible.",
    ],
    "civil-society": [
        "Information shared only with the AI Office does nothing for the people affected by these "
        "models. A public summary in plain language should be mandatory.",
        "The text should require disclosure of known limitations and reasonably foreseeable "
        "misuse, written for deployers who are not machine-learning specialists.",
        "Public-sector deployers need this information to carry out fundamental-rights impact "
        "assessments. Please make sure it reaches them, not only the AI Office.",
        "We are concerned that *commercially sensitive* becomes a blanket exception. The measure "
        "should list what may be withheld and require a justification.",
    ],
    "open-source": [
        "Open-source releases already publish weights, code and training recipes. The measure "
        "should recognise this and avoid duplicate paperwork, in line with the open-source "
        "exemption.",
        "Please state that publishing the documentation in a public repository satisfies the "
        "requirement to make it available.",
        "Volunteer-run projects cannot meet a fixed deadline for answering information requests. "
        "A best-effort clause for non-commercial releases would help.",
        "Versioned documentation in the repository, tagged with each release, is already common "
        "practice in our community and would meet this measure if it said so.",
    ],
}
EDITORIAL = [
    "Editorial: the measure uses *model* in two senses. Please use *general-purpose AI model* "
    "consistently.",
    "Editorial: paragraph 2 repeats the obligation in paragraph 1; consider merging them.",
    "Editorial: the cross-reference at the end of this provision points to the previous numbering.",
]
REPLIES = [
    "Agreed. Our members face the same problem.",
    "We see it differently: a public summary can be written without revealing trade secrets.",
    "Could you give an example of the information you consider sensitive?",
    "The template published with the first draft already covers part of this.",
    "+1 on proportionality, especially for smaller providers.",
    "This would also help downstream providers who integrate the model into their own systems.",
    "A review cycle of twelve months seems too long for models that are updated monthly.",
    "We would support this if the public summary had a fixed structure across providers.",
]
STAFF_REPLIES = [
    "Thank you. The drafting team will look at a simplified template for SMEs in the next draft.",
    "Noted. Could you tell us how large the documentation set you have in mind is?",
    "The same point is raised on other measures of this commitment; we will treat them together.",
    "Thank you for the concrete wording; we will consider it when preparing the next version.",
]
REPLACEMENTS = [
    ("shall", "should, where technically feasible,"),
    ("up to date", "up to date, and review at least once a year"),
    ("upon request", "within 14 days of a reasoned request"),
    ("the model", "the general-purpose AI model"),
]


def _snapshot(user: Any) -> dict[str, Any]:
    speaks_for = speaking_for(user)
    organisation, category = speaks_for.organisation, speaks_for.category
    return {
        "author_id": user.id,
        "organisation_id": organisation.id if organisation else None,
        "organisation_name": speaks_for.label,
        "category_id": category.id if category else None,
        "pact_status": speaks_for.pact_status,
    }


def _quote(rng: random.Random, section: Any) -> str:
    """A run of words copied from the provision as displayed (so it passes validation)."""
    words = plain_text(SimpleNamespace(heading="", body=section.body)).split(" ")
    if len(words) < 12:
        return ""
    length = rng.randint(6, 12)
    start = rng.randint(0, len(words) - length)
    return " ".join(words[start : start + length])


def _proposal(rng: random.Random, quote: str, section: Any) -> tuple[str, str | None]:
    for old, new in REPLACEMENTS:
        if quote and old in quote:
            return quote.replace(old, new, 1), "passage"
    if rng.random() < 0.5:
        sentence = "Signatories may meet this measure by publishing the documentation in a public"
        return f"{section.body.strip()}\n\n{sentence} repository, tagged with each release.", (
            "provision"
        )
    return "", None


def _stamp(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randint(0, max(1, int((end - start).total_seconds()))))


def _top_level(
    rng: random.Random, sections: list[Any], users: list[Any], count: int, start: datetime,
    end: datetime,
) -> list[Comment]:  # fmt: skip
    made = []
    for index in range(count):
        section = sections[index % len(sections)] if index < len(sections) else rng.choice(sections)
        user = users[index % len(users)]
        slug = user.category.slug if user.category else "industry"
        kind = rng.choices(["general", "technical", "editorial"], weights=[6, 3, 1])[0]
        body = rng.choice(EDITORIAL if kind == "editorial" else OPINIONS.get(slug, EDITORIAL))
        quote = _quote(rng, section) if rng.random() < 0.45 else ""
        proposed, scope = _proposal(rng, quote, section) if rng.random() < 0.35 else ("", None)
        created = _stamp(rng, start, end)
        made.append(
            Comment(
                version_id=section.version_id,
                section_id=section.id,
                provision_id=section.provision_id,
                depth=0,
                kind=kind,
                body=body,
                quote=quote,
                proposed_text=proposed,
                proposal_scope=scope,
                created_at=created,
                updated_at=created,
                **_snapshot(user),
            )
        )
    return made


def _replies(
    rng: random.Random, parents: list[Comment], users: list[Any], staff: list[tuple[Any, str]],
    end: datetime,
) -> list[Comment]:  # fmt: skip
    made = []
    for parent in parents:
        by_staff = rng.random() < 0.2
        if by_staff:
            user, role = rng.choice(staff)
            body = rng.choice(STAFF_REPLIES)
        else:
            user, role = rng.choice([u for u in users if u.id != parent.author_id]), None
            body = rng.choice(REPLIES)
        created = _stamp(rng, parent.created_at, end)
        made.append(
            Comment(
                version_id=parent.version_id,
                section_id=parent.section_id,
                provision_id=parent.provision_id,
                parent_id=parent.id,
                root_id=parent.root_id or parent.id,
                depth=parent.depth + 1,
                kind="general",
                body=body,
                is_confidential=parent.is_confidential,
                author_role=role,
                created_at=created,
                updated_at=created,
                **_snapshot(user),
            )
        )
    return made


def load(context: dict[str, Any]) -> None:
    versions = context.get("versions", {}).get("transparency")
    if not versions or len(versions) < 2:
        logger.warning("comments demo skipped: no transparency v1/v2 from the drafts demo")
        return
    rng = random.Random(20260601)
    users: list[Any] = [u for u in context["stakeholders"] if u.category is not None]
    staff_users = context["staff"]
    staff = [
        (staff_users["chair-transparency-copyright"], "chair"),
        (staff_users["vice-chair-transparency-copyright"], "vice_chair"),
        (staff_users["moderator-1"], "moderator"),
    ]
    v1, v2 = versions[0], versions[1]
    now = utcnow()
    commentable = [
        s for s in sections_of(v2) if s.kind in {"measure", "commitment", "open_question"}
    ] or sections_of(v2)

    # Version 2 (open): top-level comments, then replies level by level (ids needed as parents).
    start = v2.opens_at or now - timedelta(days=10)
    top = _top_level(rng, commentable, rng.sample(users, len(users)), TOP_LEVEL_V2, start, now)
    top[0].is_confidential = True
    top[0].body = (
        "Confidential: our internal benchmark shows the documentation template would take about "
        "400 staff hours per model. We can share the breakdown with the drafting team only."
    )
    db.session.add_all(top)
    db.session.add_all(demo_languages.load(v2, users[::-1], _snapshot))
    db.session.flush()
    level = [c for c in top if rng.random() < 0.6]
    everything = list(top)
    for _depth in range(1, 4):
        replies = _replies(rng, level, users, staff, now)
        db.session.add_all(replies)
        db.session.flush()
        everything += replies
        level = [c for c in replies if rng.random() < 0.45]

    hidden = top[5]
    hidden.state = "hidden"
    hidden.hidden_reason = "Advertising for a consultancy's services, unrelated to this provision."
    hidden.hidden_by_id = staff_users["moderator-1"].id
    hidden.hidden_at = now - timedelta(hours=6)
    db.session.add(
        CommentReport(
            comment_id=top[7].id,
            reporter_id=users[3].id if users[3].id != top[7].author_id else users[4].id,
            reason="off_topic",
            note="This is about the copyright chapter, not documentation.",
        )
    )

    endorsements = []
    for comment in everything:
        if comment.is_confidential or comment.state != "visible":
            continue
        voters = rng.sample(users, k=min(len(users), rng.choice([0, 0, 1, 2, 3, 5, 8, 12])))
        for voter in voters:
            if voter.id == comment.author_id:
                continue
            endorsements.append(
                {
                    "comment_id": comment.id,
                    "user_id": voter.id,
                    "stance": "support" if rng.random() < 0.8 else "oppose",
                    "category_id": voter.category.id if voter.category else None,
                }
            )
    # Nothing refers to endorsements by id, so one executemany instead of a row per INSERT.
    db.session.execute(insert(Endorsement), endorsements)

    # Version 1 (closed): top-level comments only, all to be answered by the moderation demo.
    v1_sections = [s for s in sections_of(v1) if s.kind in {"measure", "commitment"}] or (
        sections_of(v1)
    )
    v1_start = v1.opens_at or now - timedelta(days=90)
    v1_end = v1.closes_at or v1_start + timedelta(days=30)
    old = _top_level(
        rng, v1_sections, rng.sample(users, len(users)), TOP_LEVEL_V1, v1_start, v1_end
    )
    db.session.add_all(old)
    db.session.flush()

    context["comments"] = {("transparency", v1.number): old, ("transparency", v2.number): top}
    from consult.comments import demo_workspace

    demo_workspace.load(context)
    logger.info(
        "demo comments: %d on v2 (%d top-level), %d on v1, %d endorsements",
        len(everything),
        len(top),
        len(old),
        len(endorsements),
    )
