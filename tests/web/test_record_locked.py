"""A decided comment is part of the record (issue 11, part 2; seen case 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.comments import moderating
from consult.comments import services as comments
from consult.comments.models import LOCK_REASONS, Comment
from consult.moderation import report, revisions
from consult.moderation import services as moderation
from consult.moderation.models import Disposition
from tests.web.test_moderation_support import build_consultation, login


def _decide(c, comment, outcome="accepted", **fields):
    return moderation.set_disposition(
        comment, outcome=outcome, rationale="We agree.", user=c.moderator, **fields
    )


def test_an_answered_comment_can_be_neither_edited_nor_deleted_by_its_author(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    _decide(c, comment)
    login(client, comment.author)
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "New."}).status_code == 403
    assert client.post(f"/comments/{comment.id}/delete").status_code == 403
    db.session.expire_all()
    stored = db.session.get(Comment, comment.id)
    assert stored.state == "visible" and stored.body.startswith("Comment number")
    # The service refuses too, whatever calls it, and says why.
    with pytest.raises(comments.CommentError, match="part of the record"):
        comments.edit_comment(stored, user=stored.author, body="Rewritten.")
    with pytest.raises(comments.CommentError, match="part of the record"):
        comments.delete_comment(stored, user=stored.author)
    # The page replaces the buttons by the reason; the author can still reply.
    section = c.sections[0]
    page = client.get(f"/docs/{c.slug}/v1/{section.provision.key}/").get_data(as_text=True)
    assert str(LOCK_REASONS["disposition"]) in page
    assert f"/comments/{comment.id}/edit" not in page
    reply = comments.create_reply(stored, user=stored.author, body="Thank you.")
    assert reply.parent_id == comment.id


def test_the_original_of_a_duplicate_cannot_be_deleted(client, db):
    c = build_consultation(comments=2)
    original, duplicate = c.comments
    _decide(c, duplicate, outcome="duplicate", duplicate_of_id=original.id)
    assert original.locked_reason == "duplicate"
    login(client, original.author)
    assert client.post(f"/comments/{original.id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(Comment, original.id).state == "visible"
    disposition = db.session.scalars(
        select(Disposition).where(Disposition.comment_id == duplicate.id)
    ).one()
    assert disposition.duplicate_of_id == original.id


def test_a_comment_linked_to_a_change_is_locked(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    revision = revisions.open_revision(c.version, user=c.chair)
    revisions.record_change(
        revision, comment.provision_id, comment_ids=[comment.id], note="", user=c.chair
    )
    assert comment.locked_reason == "change"
    login(client, comment.author)
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "x"}).status_code == 403


def test_an_undecided_comment_stays_editable(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    login(client, comment.author)
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Better said."})
    assert response.status_code == 302


def test_the_report_quotes_the_text_that_was_decided(app, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    decided_text = comment.body
    _decide(c, comment)
    # Whatever route later changes the stored comment (a script, a repair, an import), the
    # record keeps quoting what the moderators answered.
    comment.body = "Something the moderators never saw."
    db.session.flush()
    with app.test_request_context():
        rows = db.session.execute(report.report_statement(c.version)).all()
        assert [r.body for r in rows] == [decided_text]
        csv_text = "".join(report.csv_lines(c.version, c.moderator))
    assert decided_text in csv_text and "never saw" not in csv_text


def test_a_moderator_may_still_hide_a_decided_comment_and_the_decision_keeps_its_text(app, db):
    with app.test_request_context():
        _hide_then_unhide()


def _hide_then_unhide():
    c = build_consultation(comments=1)
    comment = c.comments[0]
    text = comment.body
    disposition = _decide(c, comment)
    moderating.hide_comment(comment, moderator=c.moderator, reason="Personal data.")
    assert comment.state == "hidden" and comment.locked_reason == "disposition"
    assert disposition.decided_body == text
    moderating.unhide_comment(comment, moderator=c.moderator)
    # Hiding did not open a way for the author to rewrite it afterwards.
    with pytest.raises(comments.CommentError, match="part of the record"):
        comments.edit_comment(comment, user=comment.author, body="Rewritten.")
