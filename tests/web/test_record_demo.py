"""The demo tells one consistent story (issue 11, part 7; seen case 8)."""

from __future__ import annotations

import importlib
import re
from datetime import datetime

from sqlalchemy import select

from consult.cli import DEMO_MODULES
from consult.comments.models import Comment
from consult.comments.text import plain_text
from consult.drafts import queries
from consult.drafts.models import Section
from consult.extensions import db
from consult.moderation.models import Change, ChangeComment, Disposition


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"[a-z]{4,}", (text or "").lower()))


def _section_of(version_id: int, provision_id: int) -> Section | None:
    return db.session.scalars(
        select(Section).where(
            Section.version_id == version_id, Section.provision_id == provision_id
        )
    ).first()


def _load_demo() -> dict:
    context: dict = {}
    for name in DEMO_MODULES:
        importlib.import_module(f"consult.{name}.demo").load(context)
        db.session.flush()
    return context


def test_the_demo_tells_one_consistent_story(app, client, db):
    with app.test_request_context():
        context = _load_demo()
    v1, v2 = context["versions"]["transparency"]

    # Window histories match the pages: nothing opens or closes after version 1 closed.
    history = queries.window_history(v1)
    assert history
    for event, _actor in history:
        assert event.at <= v1.closes_at
        after = event.data.get("after") or {}
        for name in ("opens_at", "closes_at"):
            if after.get(name):
                assert datetime.fromisoformat(after[name]) <= v1.closes_at, (event.action, name)
    publish = [e for e, _ in history if e.action == "version.publish"][-1]
    assert datetime.fromisoformat(publish.data["after"]["closes_at"]) == v1.closes_at

    # "We adopted the proposed wording": that wording is in version 2.
    adopted = db.session.execute(
        select(Disposition, Comment)
        .join(Comment, Comment.id == Disposition.comment_id)
        .where(Disposition.rationale.contains("adopted the proposed wording"))
    ).all()
    for _disposition, comment in adopted:
        section = _section_of(v2.id, comment.provision_id)
        assert comment.proposed_text and section is not None
        assert comment.proposed_text.strip() in section.body, comment.id

    # Every "changed in response to" link points to a comment that asked for that change.
    links = db.session.execute(
        select(ChangeComment, Change, Comment)
        .join(Change, Change.id == ChangeComment.change_id)
        .join(Comment, Comment.id == ChangeComment.comment_id)
    ).all()
    assert links, "the demo shows changes made in response to comments"
    for _link, change, comment in links:
        assert comment.provision_id == change.provision_id, comment.id
        old = _section_of(v1.id, change.provision_id)
        new = _section_of(v2.id, change.provision_id)
        old_words, new_words = _words(old.body if old else ""), _words(new.body if new else "")
        proposal_overlaps = bool(_words(comment.proposed_text) & (new_words - old_words))
        quote = (comment.quote or "").strip()
        quote_changed = bool(quote) and (
            bool(_words(quote) & (old_words - new_words))
            or new is None
            or quote not in plain_text(new)
        )
        assert proposal_overlaps or quote_changed, comment.id
        assert comment.locked_reason is not None

    # Decided comments are part of the record, bound to the text they decided.
    decided = db.session.execute(
        select(Disposition, Comment)
        .join(Comment, Comment.id == Disposition.comment_id)
        .where(Disposition.outcome.is_not(None))
    ).all()
    assert decided
    for disposition, comment in decided:
        assert comment.locked_reason and disposition.decided_body == comment.body

    # A window changed in the open, with its reason on the version page.
    copyright_v1 = context["versions"]["copyright"][0]
    db.session.commit()
    page = client.get(f"/docs/{copyright_v1.document.slug}/v1/").get_data(as_text=True)
    assert "Extended on " in page and "asked for a week more" in page
