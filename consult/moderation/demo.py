"""Demo moderation: every v1 comment of "transparency" answered, the v1 -> v2 revision traced."""

from __future__ import annotations

import logging
import random
import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from consult.comments.models import Comment
from consult.comments.text import plain_text
from consult.db import utcnow
from consult.drafts.services import compare_versions
from consult.extensions import db
from consult.moderation.models import (
    REVISION_PUBLISHED,
    Change,
    ChangeComment,
    Disposition,
    DispositionRecord,
    Revision,
)

logger = logging.getLogger(__name__)

# Rationales written for the demo; "{title}" is the provision the comment is about.
RATIONALES: dict[str, list[str]] = {
    "accepted": [
        "Agreed. {title} now says this explicitly in the second draft.",
        "We adopted the proposed wording: it is clearer and keeps the obligation proportionate.",
        "Accepted. Several stakeholders raised the same point and the text of {title} was "
        "revised accordingly.",
    ],
    "partly_accepted": [
        "We clarified {title} along these lines, but kept a single template for all providers so "
        "that the AI Office can compare documentation across models.",
        "Partly taken on board: the review cycle is now fixed, while the list of items stays "
        "open-ended to cover future model architectures.",
        "The scope was narrowed as suggested for fine-tuned derivatives; the request to drop the "
        "obligation for SMEs was not retained, as Article 53 applies to all providers.",
    ],
    "rejected": [
        "Not retained. Disclosure to the AI Office alone would not meet the transparency towards "
        "downstream providers that Article 53(1)(b) requires.",
        "We did not follow this suggestion: a fixed page limit would penalise providers of "
        "larger model families without improving the usefulness of the documentation.",
        "Not retained: the working group considers that the existing wording of {title} already "
        "leaves providers enough flexibility.",
    ],
    "noted": [
        "Noted. The AI Office intends to publish templates and worked examples alongside the "
        "final Code; this comment has been passed on to that work.",
        "Noted for the discussion of the governance chapter, where the role of vetted "
        "researchers is addressed.",
        "Thank you. The point concerns the implementing guidelines rather than the Code itself, "
        "and has been forwarded to the AI Office.",
    ],
    "duplicate": [
        "Same point as comment #{original}; see the answer given there.",
        "This repeats comment #{original} from the same category of stakeholders; answered there.",
    ],
    "out_of_scope": [
        "Out of scope: liability for downstream deployments is governed by other legislation, not "
        "by this Code of Practice.",
        "Out of scope of this chapter: copyright licensing terms are covered in the copyright "
        "chapter of the Code.",
    ],
}
CHANGE_NOTES = {
    "edited": "Wording revised in response to stakeholder comments.",
    "added": "New provision added after the first consultation round.",
    "removed": "Removed: merged into a neighbouring measure to avoid duplication.",
    "moved": "Moved so that related obligations sit together.",
    "renumbered": "Renumbered after the reorganisation of the chapter.",
}
LIVE_RATIONALES = {
    "accepted": "Accepted: the drafting team will reflect this in the next version of {title}.",
    "partly_accepted": "Partly accepted: the next version of {title} will take up the first "
    "point; the second is for the implementing guidelines.",
}
UNLINKED_OUTCOMES = ["rejected", "noted", "out_of_scope", "rejected", "noted", "duplicate"]


def _applied(comment: Comment, new_body: str | None) -> bool:
    """Whether the new text contains the comment's proposal as it was written."""
    proposal = (comment.proposed_text or "").strip()
    if not proposal or new_body is None:
        return False
    if comment.proposal_scope == "provision":
        return new_body.strip() == proposal
    return proposal in new_body


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", (text or "").lower())}


def relates_to_change(comment: Comment, old_body: str | None, new_body: str | None) -> bool:
    """Whether a comment asked for this change: its proposed text shares words with what the
    change wrote, or the passage it quotes was rewritten or removed."""
    old_words, new_words = _words(old_body), _words(new_body)
    written, dropped = new_words - old_words, old_words - new_words
    if comment.proposed_text and _words(comment.proposed_text) & written:
        return True
    quote = (comment.quote or "").strip()
    if not quote:
        return False
    return bool(_words(quote) & dropped) or quote not in plain_text_of(new_body)


def plain_text_of(body: str | None) -> str:
    return plain_text(SimpleNamespace(heading="", body=body)) if body else ""


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(60, int((end - start).total_seconds()))
    return start + timedelta(seconds=rng.randint(0, span))


def _decide(
    disposition_rows: list[Disposition],
    records: list[DispositionRecord],
    comment: Comment,
    outcome: str,
    rationale: str,
    user: Any,
    at: datetime,
    duplicate_of_id: int | None = None,
    assignee: Any = None,
) -> None:
    # Decided: part of the record, bound to the text it answered (as set_disposition does).
    comment.locked_reason = comment.locked_reason or "disposition"
    disposition_rows.append(
        Disposition(
            comment_id=comment.id,
            outcome=outcome,
            rationale=rationale,
            decided_body=comment.body,
            decided_quote=comment.quote,
            decided_proposed_text=comment.proposed_text,
            duplicate_of_id=duplicate_of_id,
            assignee_id=getattr(assignee, "id", None),
            decided_by_id=user.id,
            decided_at=at,
            created_at=at,
            updated_at=at,
        )
    )
    records.append(
        DispositionRecord(
            comment_id=comment.id,
            outcome=outcome,
            rationale=rationale,
            duplicate_of_id=duplicate_of_id,
            decided_by_id=user.id,
            decided_at=at,
        )
    )


def _revision_v1_v2(
    rng: random.Random, v1: Any, v2: Any, comments: list[Comment], chair: Any
) -> tuple[Revision, dict[int, bool]]:
    """The published revision v1 -> v2, each changed provision linked to the comments on it."""
    started = (v1.closes_at or v2.created_at or utcnow()) - timedelta(days=1)
    revision = Revision(
        document_id=v1.document_id,
        base_version_id=v1.id,
        version_id=v2.id,
        status=REVISION_PUBLISHED,
        created_by_id=chair.id,
        created_at=started,
        updated_at=v2.published_at or started,
    )
    db.session.add(revision)
    db.session.flush()
    by_provision: dict[int, list[Comment]] = {}
    for comment in comments:
        by_provision.setdefault(comment.provision_id, []).append(comment)
    comparison = compare_versions(v1, v2)
    linked: dict[int, bool] = {}  # comment id -> proposal applied
    changes: list[tuple[Change, list[Comment], Any]] = []
    for row in comparison.changed_rows:
        change = Change(
            revision_id=revision.id,
            provision_id=row.provision_id,
            note=CHANGE_NOTES.get(row.status, ""),
            created_by_id=chair.id,
            created_at=started,
            updated_at=started,
        )
        # Only comments on this provision that asked for this change are linked to it: their
        # proposal is in the new text, or the passage they quoted was rewritten.
        old_body = row.old.body if row.old is not None else None
        new_body = row.new.body if row.new is not None else None
        behind = [
            c
            for c in by_provision.get(row.provision_id, [])
            if relates_to_change(c, old_body, new_body)
        ]
        changes.append((change, behind, row))
    db.session.add_all([change for change, _, _ in changes])
    db.session.flush()
    links = []
    for change, behind, row in changes:
        new_body = row.new.body if row.new is not None else None
        for comment in behind:
            if comment.id in linked:
                continue
            applied = _applied(comment, new_body)
            linked[comment.id] = applied
            comment.locked_reason = "change"
            links.append(
                ChangeComment(
                    change_id=change.id,
                    comment_id=comment.id,
                    applied=applied,
                    created_at=started + timedelta(hours=rng.randint(1, 48)),
                    created_by_id=chair.id,
                )
            )
    db.session.add_all(links)
    return revision, linked


def load(context: dict[str, Any]) -> None:
    versions = context.get("versions", {}).get("transparency")
    comments_by_version = context.get("comments", {})
    if not versions or len(versions) < 2 or ("transparency", 1) not in comments_by_version:
        logger.warning("moderation demo skipped: no transparency v1/v2 with comments")
        return
    rng = random.Random(20260615)
    staff = context["staff"]
    chair = staff["chair-transparency-copyright"]
    vice_chair = staff.get("vice-chair-transparency-copyright", chair)
    moderator = staff.get("moderator-1", chair)
    deciders = [moderator, moderator, chair, vice_chair]
    v1, v2 = versions[0], versions[1]
    v1_comments: list[Comment] = [
        c for c in comments_by_version[("transparency", 1)] if c.parent_id is None
    ]
    titles = {c.section_id: c.section.title for c in v1_comments}

    revision, linked = _revision_v1_v2(rng, v1, v2, v1_comments, chair)

    window_end = v1.closes_at or utcnow() - timedelta(days=20)
    decided_until = v2.published_at or window_end + timedelta(days=10)
    dispositions: list[Disposition] = []
    records: list[DispositionRecord] = []
    first_on: dict[int, Comment] = {}
    unlinked_index = 0
    for comment in sorted(v1_comments, key=lambda c: (c.created_at, c.id)):
        title = titles.get(comment.section_id, "the provision")
        at = _between(rng, window_end, decided_until)
        who = rng.choice(deciders)
        original = first_on.get(comment.provision_id)
        first_on.setdefault(comment.provision_id, comment)
        if comment.id in linked:
            outcome = "accepted" if linked[comment.id] or rng.random() < 0.5 else "partly_accepted"
        else:
            outcome = UNLINKED_OUTCOMES[unlinked_index % len(UNLINKED_OUTCOMES)]
            unlinked_index += 1
            if outcome == "duplicate" and (original is None or original.id in linked):
                outcome = "noted"
        duplicate_of = original.id if outcome == "duplicate" and original is not None else None
        choices = RATIONALES[outcome]
        if outcome == "accepted":
            # "We adopted the proposed wording" only where the wording is in version 2.
            applied = linked.get(comment.id, False)
            choices = [r for r in choices if ("proposed wording" in r) == applied] or choices
        rationale = rng.choice(choices).format(title=title, original=duplicate_of)
        if outcome != "duplicate" and rng.random() < 0.15:
            # Some answers were revised before v2 was published: the history shows both.
            earlier = at - timedelta(days=rng.randint(1, 5))
            records.append(
                DispositionRecord(
                    comment_id=comment.id,
                    outcome="noted",
                    rationale="Under consideration by the drafting team.",
                    decided_by_id=moderator.id,
                    decided_at=earlier,
                )
            )
        _decide(dispositions, records, comment, outcome, rationale, who, at, duplicate_of)
    db.session.add_all(dispositions)
    db.session.add_all(records)

    # Version 2 is open: part of its queue is assigned and a few comments are answered already.
    v2_comments = [
        c
        for c in comments_by_version.get(("transparency", v2.number), [])
        if c.parent_id is None and c.state != "deleted"
    ]
    now = utcnow()
    live: list[Disposition] = []
    live_records: list[DispositionRecord] = []
    for index, comment in enumerate(v2_comments[:40]):
        assignee = moderator if index % 3 else chair
        if index % 4 == 0 and comment.state == "visible":
            outcome = ["noted", "accepted", "rejected", "partly_accepted"][index // 4 % 4]
            # Version 3 is not written yet: an accepted point is promised, not yet adopted.
            rationale = LIVE_RATIONALES.get(outcome) or rng.choice(RATIONALES[outcome])
            rationale = rationale.format(title=comment.section.title, original=None)
            at = now - timedelta(hours=rng.randint(1, 72))
            _decide(live, live_records, comment, outcome, rationale, moderator, at, None, assignee)
        else:
            live.append(Disposition(comment_id=comment.id, assignee_id=assignee.id))
    db.session.add_all(live)
    db.session.add_all(live_records)
    db.session.flush()
    logger.info(
        "demo moderation: revision %d, %d v1 dispositions (%d comments behind changes), "
        "%d v2 comments triaged",
        revision.id,
        len(dispositions),
        len(linked),
        len(live),
    )
    from consult.moderation import demo_chapters, demo_similarity

    demo_similarity.load(context)
    demo_chapters.load(context)
