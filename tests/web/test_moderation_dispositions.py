"""Dispositions: every outcome, rationale rules, duplicates, revision with history, freezing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.core.models import AuditEvent, OutboxMessage
from consult.extensions import db
from consult.moderation.models import OUTCOMES, Disposition, DispositionRecord
from tests import factories
from tests.web.test_moderation_support import (
    build_consultation,
    login,
    other_comment,
    publish_next_version,
)


def _disposition(comment_id: int) -> Disposition | None:
    return db.session.scalars(
        select(Disposition).where(Disposition.comment_id == comment_id)
    ).first()


@pytest.mark.parametrize("outcome", [o for o in OUTCOMES if o != "duplicate"])
def test_each_outcome_with_rationale_is_recorded_audited_and_mailed(client, db, outcome):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    login(client, c.moderator)
    url = c.url(f"triage/{comment.id}")
    response = client.post(url, data={"outcome": outcome, "rationale": "Because **reasons**."})
    assert response.status_code == 302
    disposition = _disposition(comment.id)
    assert disposition.outcome == outcome
    assert disposition.rationale == "Because **reasons**."
    assert disposition.decided_by_id == c.moderator.id
    assert disposition.decided_at is not None
    records = db.session.scalars(
        select(DispositionRecord).where(DispositionRecord.comment_id == comment.id)
    ).all()
    assert [r.outcome for r in records] == [outcome]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "disposition.set")
    ).one()
    assert event.object_id == disposition.id and event.actor_id == c.moderator.id
    assert event.data["after"]["outcome"] == outcome
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == comment.author.email)
    ).one()
    assert OUTCOMES[outcome] in mail.subject
    assert "Because **reasons**." in mail.body_text
    page = client.get(url).get_data(as_text=True)
    assert OUTCOMES[outcome] in page and "Because <strong>reasons</strong>." in page


def test_rationale_required_except_for_duplicates(client, db):
    c = build_consultation(comments=2)
    login(client, c.moderator)
    response = client.post(c.url(f"triage/{c.comments[0].id}"), data={"outcome": "rejected"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "a rationale is required" in page
    assert re.search(r'<input checked[^>]*value="rejected"', page)  # the choice is kept
    assert _disposition(c.comments[0].id) is None

    response = client.post(
        c.url(f"triage/{c.comments[0].id}"),
        data={"outcome": "duplicate", "duplicate_of": c.comments[1].id},
    )
    assert response.status_code == 302
    disposition = _disposition(c.comments[0].id)
    assert disposition.outcome == "duplicate"
    assert disposition.duplicate_of_id == c.comments[1].id
    assert disposition.rationale == ""


def test_no_outcome_chosen_is_refused(client, db):
    c = build_consultation(comments=1)
    login(client, c.moderator)
    response = client.post(c.url(f"triage/{c.comments[0].id}"), data={"rationale": "x"})
    assert response.status_code == 400
    assert "Choose what was done with the comment." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target, message",
    [
        ("self", "cannot be a duplicate of itself"),
        ("missing", "There is no comment #"),
        ("other_version", "There is no comment #"),
        ("reply", "is a reply"),
        ("none", "Enter the number of the comment this one duplicates."),
        ("chained", "is itself a duplicate of comment"),
    ],
)
def test_duplicate_of_must_be_another_top_level_comment_of_the_same_version(
    client, db, target, message
):
    c = build_consultation(comments=3)
    comment, original, third = c.comments
    other_version_comment = other_comment()  # another document altogether
    reply = factories.CommentFactory(
        section=original.section, parent_id=original.id, root_id=original.id, depth=1
    )
    factories.DispositionFactory(
        comment=third, outcome="duplicate", duplicate_of_id=original.id, rationale=""
    )
    target_id = {
        "self": comment.id,
        "missing": 999_999,
        "other_version": other_version_comment.id,
        "reply": reply.id,
        "none": "",
        "chained": third.id,
    }[target]
    login(client, c.moderator)
    response = client.post(
        c.url(f"triage/{comment.id}"), data={"outcome": "duplicate", "duplicate_of": target_id}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _disposition(comment.id) is None


def test_revising_keeps_history_and_tells_the_author_again(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    login(client, c.moderator)
    url = c.url(f"triage/{comment.id}")
    client.post(url, data={"outcome": "noted", "rationale": "We will consider it."})
    login(client, c.chair)
    client.post(url, data={"outcome": "accepted", "rationale": "Now reflected in 1.1."})
    # Saving the same thing again changes nothing and sends nothing.
    client.post(url, data={"outcome": "accepted", "rationale": "Now reflected in 1.1."})
    records = db.session.scalars(
        select(DispositionRecord)
        .where(DispositionRecord.comment_id == comment.id)
        .order_by(DispositionRecord.id)
    ).all()
    assert [(r.outcome, r.decided_by_id) for r in records] == [
        ("noted", c.moderator.id),
        ("accepted", c.chair.id),
    ]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "disposition.set").order_by(AuditEvent.id)
    ).all()
    assert events[1].data["before"]["outcome"] == "noted"
    assert events[1].data["after"]["outcome"] == "accepted"
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == comment.author.email)
    ).all()
    assert len(mails) == 2
    assert "has been revised" in mails[1].body_text
    page = client.get(url).get_data(as_text=True)
    assert "We will consider it." in page and "Now reflected in 1.1." in page  # history shown


def test_dispositions_are_refused_once_the_next_version_is_published(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    factories.DispositionFactory(comment=comment, outcome="noted", rationale="Noted.")
    publish_next_version(c, [{"provision": c.sections[0].provision, "number": "1.1"}])
    login(client, c.chair)
    url = c.url(f"triage/{comment.id}")
    page = client.get(url).get_data(as_text=True)
    assert "this disposition is final" in page
    response = client.post(url, data={"outcome": "accepted", "rationale": "Changed my mind."})
    assert response.status_code == 400
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert _disposition(comment.id).outcome == "noted"


def test_replies_have_no_disposition_page(client, db):
    c = build_consultation(comments=1)
    reply = factories.CommentFactory(
        section=c.sections[0], parent_id=c.comments[0].id, root_id=c.comments[0].id, depth=1
    )
    login(client, c.moderator)
    assert client.get(c.url(f"triage/{reply.id}")).status_code == 404


def test_assign_a_comment_to_a_moderator(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    login(client, c.chair)
    response = client.post(
        c.url(f"triage/{comment.id}/assign"), data={"assign-assignee": c.moderator.id}
    )
    assert response.status_code == 302
    assert _disposition(comment.id).assignee_id == c.moderator.id
    assert _disposition(comment.id).outcome is None
    stranger = factories.UserFactory()
    response = client.post(
        c.url(f"triage/{comment.id}/assign"), data={"assign-assignee": stranger.id}
    )
    assert response.status_code == 400
    assert "does not moderate this working group" in response.get_data(as_text=True)


def test_suggested_outcome_is_preselected_but_not_saved(client, db):
    c = build_consultation(comments=1)
    login(client, c.moderator)
    page = client.get(c.url(f"triage/{c.comments[0].id}?suggest=accepted")).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="accepted"', page)
    assert _disposition(c.comments[0].id) is None
