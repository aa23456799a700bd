"""Comments services and queries: rules that hold whatever the page."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from consult.comments import moderating, pending, services, threads
from consult.comments.models import Comment, CommentRevision, PendingComment
from consult.comments.text import normalise_space, passage_occurs
from consult.db import utcnow
from tests.factories import CommentFactory, MembershipFactory, UserFactory, category
from tests.web.test_comments_support import published_section, published_sections


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


def test_passage_matching():
    section = SimpleNamespace(
        heading="Copyright policy",
        body="Signatories **shall** put in place a policy.\n\n"
        "- to comply with Union law\n- on rights",
    )
    assert passage_occurs("put in place   a\npolicy", section)
    assert passage_occurs("shall put in place", section)  # as displayed (no ** markers)
    assert passage_occurs("**shall** put", section)  # as written
    assert passage_occurs("with Union law on rights", section)  # across list items
    assert passage_occurs("Copyright policy", section)
    assert not passage_occurs("shall not put", section)
    assert normalise_space("  a \n\t b ") == "a b"


def _node(cid, parent=None, depth=0, name="A"):
    comment = SimpleNamespace(id=cid, parent_id=parent, depth=depth)
    return (comment, name, 1)


def test_build_threads_nests_to_display_depth_then_flattens():
    rows = [
        _node(1),
        _node(2, 1, 1, "B"),
        _node(3, 2, 2, "C"),
        _node(4, 3, 3, "D"),
        _node(5, 4, 4, "E"),
        _node(6, 5, 5, "F"),
        _node(7, 1, 1, "G"),
        _node(8, 99, 1, "orphan"),
    ]
    (root,) = threads.build_threads(rows)  # type: ignore[arg-type]
    assert [c.id for c in root.children] == [2, 7]
    level2 = root.children[0].children[0]
    assert level2.id == 3
    assert [(c.id, c.in_reply_to) for c in level2.children] == [(4, None), (5, "D"), (6, "E")]


def test_counts_by_category_one_query(db, count_queries):
    s1, s2 = published_sections(2)
    sme = UserFactory(organisation__category=category("sme"))
    CommentFactory(section=s1, author=sme)
    CommentFactory(section=s1, author=sme)
    CommentFactory(section=s1)
    CommentFactory(section=s2, is_confidential=True)
    CommentFactory(section=s2, state="hidden")
    with count_queries() as q:
        counts = services.counts_by_category(s1.version)
    assert q.count == 1
    assert counts == {s1.id: {category("sme").id: 2, category("industry").id: 1}}
    everything = services.counts_by_category(s1.version, public_only=False)
    assert everything[s2.id] == {category("industry").id: 1}


def test_visible_filter(db):
    section = published_section()
    author = UserFactory()
    stranger = UserFactory()
    moderator = UserFactory()
    MembershipFactory(user=moderator, group=section.version.document.group, role="moderator")
    public = CommentFactory(section=section)
    secret = CommentFactory(section=section, author=author, is_confidential=True)
    answer = CommentFactory(
        section=section, parent_id=secret.id, root_id=secret.id, depth=1, is_confidential=True
    )
    document = section.version.document

    def visible(user):
        clause = services.visible_comments_filter(user, document)
        return set(db.session.scalars(select(Comment.id).where(clause)))

    assert visible(AnonymousUserMixin()) == {public.id}
    assert visible(stranger) == {public.id}
    assert visible(author) == {public.id, secret.id, answer.id}
    assert visible(moderator) == {public.id, secret.id, answer.id}
    assert services.may_see(author, answer) and not services.may_see(stranger, answer)


def test_create_reply_threads_and_inherits_confidentiality(ctx, db):
    section = published_section()
    top = CommentFactory(section=section, is_confidential=True)
    user = UserFactory()
    MembershipFactory(user=user, group=section.version.document.group, role="vice_chair")
    first = services.create_reply(top, user=user, body="  First.  ")
    second = services.create_reply(first, user=top.author, body="Second.")
    assert (first.depth, first.root_id, first.parent_id) == (1, top.id, top.id)
    assert (second.depth, second.root_id) == (2, top.id)
    assert first.is_confidential and second.is_confidential
    assert first.body == "First." and first.author_role == "vice_chair"
    assert second.author_role is None


def test_edit_without_change_keeps_no_revision(ctx, db):
    section = published_section()
    author = UserFactory()
    comment = CommentFactory(section=section, author=author, body="Same.")
    services.edit_comment(comment, user=author, body="Same.")
    assert comment.edited_at is None
    services.edit_comment(comment, user=author, body="Different.")
    services.edit_comment(comment, user=author, body="Third.")
    revisions = db.session.scalars(select(CommentRevision.body).order_by(CommentRevision.id)).all()
    assert revisions == ["Same.", "Different."]
    with pytest.raises(services.CommentError):
        services.edit_comment(comment, user=UserFactory(), body="Not mine.")


def test_endorsement_rules(ctx, db):
    section = published_section()
    author = UserFactory()
    comment = CommentFactory(section=section, author=author)
    with pytest.raises(services.CommentError, match="own comment"):
        services.set_endorsement(comment, user=author, stance="support")
    fan = UserFactory(organisation__category=category("open-source"))
    endorsement = services.set_endorsement(comment, user=fan, stance="support")
    assert endorsement is not None and endorsement.category_id == category("open-source").id
    again = services.set_endorsement(comment, user=fan, stance="oppose")
    assert again is endorsement and again.stance == "oppose"
    comment.state = "deleted"
    with pytest.raises(services.CommentError):
        services.set_endorsement(comment, user=fan, stance="support")


def test_hide_twice_and_report_own_refused(ctx, db):
    section = published_section()
    moderator = UserFactory()
    comment = CommentFactory(section=section)
    moderating.hide_comment(comment, moderator=moderator, reason="Spam.")
    with pytest.raises(services.CommentError):
        moderating.hide_comment(comment, moderator=moderator, reason="Again.")
    other = CommentFactory(section=section)
    with pytest.raises(services.CommentError, match="your own"):
        services.report_comment(other, user=other.author, reason="spam")
    with pytest.raises(services.CommentError):
        services.report_comment(other, user=UserFactory(), reason="boring")


def test_create_comment_refused_when_window_closed(ctx, db):
    section = published_section(closes_at=utcnow() + timedelta(minutes=1))
    import time_machine

    with (
        time_machine.travel(utcnow() + timedelta(minutes=2), tick=False),
        pytest.raises(services.CommentError, match="closed"),
    ):
        services.create_comment(section, user=UserFactory(), body="Late.")


def test_pending_comment_round_trip_and_pruning(db):
    section = published_section()
    old = pending.stash_pending_comment(section, None, MultiDict({"body": "Old."}), "browser")
    old.created_at = utcnow() - timedelta(days=2)
    db.session.flush()
    kept = pending.stash_pending_comment(
        section,
        None,
        MultiDict({"body": "Kept.", "kind": "technical", "evil": "ignored"}),
        "browser",
    )
    remaining = db.session.scalars(select(PendingComment.id)).all()
    assert remaining == [kept.id]  # the expired row was pruned
    assert {k: v for k, v in kept.fields.items() if k != pending.BROWSER_FIELD} == {
        "body": "Kept.",
        "kind": "technical",
    }
    assert "browser" not in kept.fields.values()  # only its hash is stored
    assert pending.take_pending_comment(kept.token, section, 5, "browser") is None
    # Another browser (someone sent the link) gets nothing, and does not use the stash up.
    assert pending.take_pending_comment(kept.token, section, None, "other") is None
    assert pending.take_pending_comment(kept.token, section, None, None) is None
    taken = pending.take_pending_comment(kept.token, section, None, "browser")
    assert taken == {"body": "Kept.", "kind": "technical"}
    assert pending.take_pending_comment(kept.token, section, None, "browser") is None


def test_pending_comment_is_bounded(app, db, monkeypatch):
    section = published_section()
    too_long = "x" * (app.config["COMMENT_MAX_LENGTH"] + 1)
    assert pending.stash_pending_comment(section, None, MultiDict({"body": too_long}), "b") is None
    assert pending.stash_pending_comment(section, None, MultiDict({"kind": too_long}), "b") is None
    monkeypatch.setattr(pending, "PENDING_TOTAL_MAX", 1)
    assert pending.may_stash("192.0.2.1")
    pending.stash_pending_comment(section, None, MultiDict({"body": "One."}), "b")
    assert not pending.may_stash("192.0.2.1")
