"""Revision workspace: open, edit with reasons, apply proposals, conflicts, publish."""

from __future__ import annotations

import re
from typing import Any

from flask import g
from sqlalchemy import select

from consult.core import hooks
from consult.core.models import AuditEvent, OutboxMessage
from consult.drafts.models import Section, Version
from consult.extensions import db
from consult.moderation import revisions
from consult.moderation.models import Change, ChangeComment, Disposition, Revision
from tests import factories
from tests.web.test_moderation_support import Consultation, build_consultation, login


def _open(client: Any, c: Consultation) -> Revision:
    login(client, c.moderator)
    response = client.post(c.url("revisions"))
    assert response.status_code == 302
    revision = db.session.scalars(
        select(Revision).where(Revision.base_version_id == c.version.id)
    ).one()
    assert response.headers["Location"].endswith(f"/docs/{c.slug}/revisions/{revision.id}/")
    return revision


def _new_section(revision: Revision, provision_id: int) -> Section:
    return db.session.scalars(
        select(Section).where(
            Section.version_id == revision.version_id, Section.provision_id == provision_id
        )
    ).one()


def _links(revision: Revision) -> set[tuple[int, int, bool]]:
    rows = db.session.execute(
        select(Change.provision_id, ChangeComment.comment_id, ChangeComment.applied)
        .join(ChangeComment, ChangeComment.change_id == Change.id)
        .where(Change.revision_id == revision.id)
    ).all()
    return {tuple(row) for row in rows}


def _edit_url(c: Consultation, revision: Revision, section: Section) -> str:
    return f"/docs/{c.slug}/revisions/{revision.id}/provisions/{section.id}/"


def test_open_revision_copies_the_version_and_lists_comments(client, db):
    c = build_consultation(comments=2)
    revision = _open(client, c)
    new = revision.version
    assert (new.number, new.status, new.based_on_id) == (2, "editing", c.version.id)
    assert revision.base_version_id == c.version.id and revision.status == "open"
    sections = db.session.scalars(select(Section).where(Section.version_id == new.id)).all()
    assert {s.provision_id for s in sections} == {s.provision_id for s in c.sections}
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "revision.open")).one()
    page = client.get(f"/docs/{c.slug}/revisions/{revision.id}/").get_data(as_text=True)
    assert "Preparing version 2 from version 1" in page
    for comment in c.comments:
        assert f'id="base-comment-{comment.id}"' in page
    assert "Unchanged" in page
    # A second revision of the same version is refused.
    response = client.post(c.url("revisions"), follow_redirects=True)
    assert "already" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Revision)).all()) == 1


def test_triage_offers_to_open_a_revision_only_when_possible(client, db):
    c = build_consultation(comments=1)
    login(client, c.moderator)
    assert "Open a revision for version 2" in client.get(c.url("triage")).get_data(as_text=True)
    revision = _open(client, c)
    page = client.get(c.url("triage")).get_data(as_text=True)
    assert "Open a revision" not in page
    assert f"/revisions/{revision.id}/" in page


def test_edit_records_the_comments_behind_the_change(client, db):
    c = build_consultation(comments=3)
    revision = _open(client, c)
    section = _new_section(revision, c.sections[0].provision_id)
    motivating = [x.id for x in c.comments if x.provision_id == c.sections[0].provision_id]
    other = next(x for x in c.comments if x.provision_id != c.sections[0].provision_id)
    response = client.post(
        _edit_url(c, revision, section),
        data={
            "lock_version": section.lock_version,
            "number": "1.1",
            "heading": "Documentation",
            "body": "Signatories shall document the model and update it every six months.",
            "comment_ids": motivating,
            "other_comments": f"#{other.id}",
            "note": "Frequency made explicit.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert _new_section(revision, c.sections[0].provision_id).body.endswith("six months.")
    assert _links(revision) == {
        (c.sections[0].provision_id, comment_id, False) for comment_id in [*motivating, other.id]
    }
    change = db.session.scalars(select(Change)).one()
    assert change.note == "Frequency made explicit."
    page = client.get(f"/docs/{c.slug}/revisions/{revision.id}/").get_data(as_text=True)
    assert "Changed in response to 2 comments" in page
    assert "Edited" in page


def test_edit_with_unknown_comment_number_is_refused_and_keeps_the_text(client, db):
    c = build_consultation(comments=1)
    revision = _open(client, c)
    section = _new_section(revision, c.sections[0].provision_id)
    response = client.post(
        _edit_url(c, revision, section),
        data={
            "lock_version": section.lock_version,
            "number": "1.1",
            "heading": "H",
            "body": "My careful new wording.",
            "other_comments": "999999",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not top-level comments on version 1: #999999" in page
    assert "My careful new wording." in page
    db.session.expire_all()
    assert _new_section(revision, c.sections[0].provision_id).body == c.sections[0].body


def test_renumber_add_move_and_remove_with_reasons(client, db):
    c = build_consultation(comments=3)
    first, second, third = c.comments
    revision = _open(client, c)
    base = f"/docs/{c.slug}/revisions/{revision.id}"
    s1 = _new_section(revision, c.sections[0].provision_id)
    s3 = _new_section(revision, c.sections[2].provision_id)
    # Renumber 1.3 -> 1.4
    response = client.post(
        _edit_url(c, revision, s3),
        data={"lock_version": s3.lock_version, "number": "1.4", "heading": s3.heading,
              "body": s3.body, "comment_ids": [third.id]},
    )  # fmt: skip
    assert response.status_code == 302
    # Add a new measure after 1.1, motivated by the first comment.
    response = client.post(
        f"{base}/add",
        data={"parent": "", "after": s1.id, "kind": "measure", "number": "1.3",
              "heading": "Incident reporting", "body": "Signatories shall report incidents.",
              "other_comments": str(first.id)},
    )  # fmt: skip
    assert response.status_code == 302
    added = db.session.scalars(
        select(Section).where(Section.version_id == revision.version_id, Section.number == "1.3")
    ).one()
    # Move 1.3 (now 1.4) to the top, citing the second comment.
    response = client.post(
        f"{base}/provisions/{s3.id}/move",
        data={"parent": "", "after": "", "other_comments": str(second.id)},
    )
    assert response.status_code == 302
    # Remove 1.1, citing the first comment.
    response = client.post(
        f"{base}/provisions/{s1.id}/remove",
        data={"remove-comment_ids": [first.id], "remove-confirm": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    ordered = db.session.scalars(
        select(Section).where(Section.version_id == revision.version_id).order_by(Section.position)
    ).all()
    assert [s.number for s in ordered] == ["1.4", "1.3", "1.2"]
    assert _links(revision) == {
        (c.sections[2].provision_id, third.id, False),
        (c.sections[2].provision_id, second.id, False),
        (added.provision_id, first.id, False),
        (c.sections[0].provision_id, first.id, False),
    }
    page = client.get(f"{base}/").get_data(as_text=True)
    for label in ("Added", "Removed", "Moved", "Renumbered"):
        assert label in page


def test_remove_needs_confirmation(client, db):
    c = build_consultation(comments=0)
    revision = _open(client, c)
    s1 = _new_section(revision, c.sections[0].provision_id)
    response = client.post(f"/docs/{c.slug}/revisions/{revision.id}/provisions/{s1.id}/remove")
    assert response.status_code == 400
    assert "Tick the box to confirm the removal." in response.get_data(as_text=True)
    assert db.session.get(Section, s1.id) is not None


def test_apply_provision_proposal_in_one_action(client, db):
    c = build_consultation(comments=0)
    comment = factories.CommentFactory(
        section=c.sections[1],
        proposed_text="Signatories shall publish a detailed summary of training content.",
        proposal_scope="provision",
    )
    revision = _open(client, c)
    response = client.post(f"/docs/{c.slug}/revisions/{revision.id}/comments/{comment.id}/apply")
    assert response.status_code == 302
    # No disposition yet: the moderator is taken to it with "accepted" suggested, not set.
    assert response.headers["Location"].endswith(
        f"/docs/{c.slug}/v1/triage/{comment.id}?suggest=accepted"
    )
    assert db.session.scalars(select(Disposition)).first() is None
    db.session.expire_all()
    section = _new_section(revision, c.sections[1].provision_id)
    assert section.body == comment.proposed_text
    assert _links(revision) == {(c.sections[1].provision_id, comment.id, True)}


def test_apply_passage_proposal_matches_despite_whitespace(client, db):
    c = build_consultation(comments=0)
    comment = factories.CommentFactory(
        section=c.sections[2],
        quote="assess  systemic\nrisks",
        proposed_text="assess and mitigate systemic risks",
        proposal_scope="passage",
    )
    factories.DispositionFactory(comment=comment, outcome="partly_accepted", rationale="Yes.")
    revision = _open(client, c)
    response = client.post(f"/docs/{c.slug}/revisions/{revision.id}/comments/{comment.id}/apply")
    assert response.status_code == 302
    assert "#provision-" in response.headers["Location"]  # already decided: back to workspace
    db.session.expire_all()
    assert _new_section(revision, c.sections[2].provision_id).body == (
        "Signatories shall assess and mitigate systemic risks before placing the model on the "
        "market."
    )


def test_apply_refused_when_the_passage_was_edited_meanwhile(client, db):
    c = build_consultation(comments=0)
    comment = factories.CommentFactory(
        section=c.sections[0],
        quote="keep the documentation up to date",
        proposed_text="review the documentation every year",
        proposal_scope="passage",
    )
    revision = _open(client, c)
    section = _new_section(revision, c.sections[0].provision_id)
    client.post(
        _edit_url(c, revision, section),
        data={"lock_version": section.lock_version, "number": "1.1", "heading": section.heading,
              "body": "Signatories shall document the model thoroughly."},
    )  # fmt: skip
    response = client.post(f"/docs/{c.slug}/revisions/{revision.id}/comments/{comment.id}/apply")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "is no longer in the current text" in page
    assert "keep the documentation up to date" in page  # the quote
    assert "review the documentation every year" in page  # the proposal
    assert "Signatories shall document the model thoroughly." in page  # the current text
    db.session.expire_all()
    assert _new_section(revision, c.sections[0].provision_id).body == (
        "Signatories shall document the model thoroughly."
    )
    assert _links(revision) == set()


def _as(client: Any, user: Any) -> Any:
    """Point a client at a user (requests share the test's app context, so drop the cache)."""
    login(client, user)
    return client


def test_concurrent_edit_second_save_is_refused_with_both_texts_and_a_diff(app, db):
    c = build_consultation(comments=0)
    first, second = app.test_client(), app.test_client()
    revision = _open(_as(first, c.moderator), c)
    section = _new_section(revision, c.sections[0].provision_id)
    url = _edit_url(c, revision, section)
    # Both open the edit page on the same copy.
    g.pop("_login_user", None)
    first_page = first.get(url).get_data(as_text=True)
    _as(second, c.chair)
    second_page = second.get(url).get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', first_page)
    lock = lock or re.search(r'value="(\d+)"[^>]*name="lock_version"', first_page)
    assert lock and f'value="{lock.group(1)}"' in second_page
    stale = lock.group(1)
    g.pop("_login_user", None)
    _as(first, c.moderator)
    saved = first.post(
        url,
        data={"lock_version": stale, "number": "1.1", "heading": section.heading,
              "body": "Signatories shall document the model in detail."},
    )  # fmt: skip
    assert saved.status_code == 302
    _as(second, c.chair)
    refused = second.post(
        url,
        data={"lock_version": stale, "number": "1.1", "heading": section.heading,
              "body": "Signatories shall document the model and its training data."},
    )  # fmt: skip
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Nothing was saved" in page
    assert "Signatories shall document the model in detail." in page  # current text
    assert page.count("Signatories shall document the model and its training data.") >= 2
    assert "<del>" in page and "<ins>" in page  # the word diff
    db.session.expire_all()
    current = _new_section(revision, c.sections[0].provision_id)
    assert current.body == "Signatories shall document the model in detail."
    # The form now carries the current lock version, so merging and saving again works.
    assert f'value="{current.lock_version}"' in page
    merged = second.post(
        url,
        data={"lock_version": current.lock_version, "number": "1.1", "heading": section.heading,
              "body": "Signatories shall document the model and its training data in detail."},
    )  # fmt: skip
    assert merged.status_code == 302


def test_publish_is_for_chairs_only(client, db):
    c = build_consultation(comments=0)
    revision = _open(client, c)
    url = f"/docs/{c.slug}/revisions/{revision.id}/publish"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"changelog": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Version, revision.version_id).status == "editing"


def test_publish_warns_about_undecided_comments_then_publishes_anyway(client, db):
    c = build_consultation(comments=2)
    decided, undecided = c.comments
    factories.DispositionFactory(comment=decided, outcome="noted", rationale="Noted.")
    member = factories.UserFactory()
    factories.MembershipFactory(user=member, group=c.group, role="member")
    quiet = factories.UserFactory()
    factories.MembershipFactory(user=quiet, group=c.group, role="member", notify_versions=False)
    revision = _open(client, c)
    login(client, c.chair)
    url = f"/docs/{c.slug}/revisions/{revision.id}/publish"
    page = client.get(url).get_data(as_text=True)
    assert "1 top-level comment on version 1 has no disposition yet" in page
    assert f"/docs/{c.slug}/v1/triage/{undecided.id}" in page
    assert f"/docs/{c.slug}/v1/triage/{decided.id}" not in page

    response = client.post(url, data={"changelog": ""})
    assert response.status_code == 400
    assert "Write the changelog." in response.get_data(as_text=True)

    response = client.post(url, data={"changelog": "Clarified documentation duties."})
    assert response.status_code == 400
    assert "tick &#39;publish anyway&#39;" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Version, revision.version_id).status == "editing"

    response = client.post(
        url,
        data={"changelog": "Clarified documentation duties.", "publish_anyway": "y",
              "close_open_window": "y",
              "opens_at": "2099-03-01T09:00", "closes_at": "2099-04-01T17:00"},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.expire_all()
    new = db.session.get(Version, revision.version_id)
    assert new.status == "published" and new.changelog == "Clarified documentation duties."
    assert new.opens_at.isoformat() == "2099-03-01T08:00:00+00:00"  # Brussels CET -> UTC
    assert db.session.get(Version, c.version.id).status == "superseded"
    assert db.session.get(Revision, revision.id).status == "published"
    assert db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "revision.publish")
    ).one()
    told = set(
        db.session.scalars(
            select(OutboxMessage.to_addr).where(OutboxMessage.subject.contains("published"))
        ).all()
    )
    assert member.email in told and quiet.email not in told


def test_after_publishing_links_and_dispositions_are_frozen(client, db):
    c = build_consultation(comments=1)
    comment = c.comments[0]
    factories.DispositionFactory(comment=comment, outcome="noted", rationale="Noted.")
    comment.proposed_text = "Replacement."
    comment.proposal_scope = "provision"
    revision = _open(client, c)
    login(client, c.chair)
    client.post(
        f"/docs/{c.slug}/revisions/{revision.id}/publish",
        data={"changelog": "Done.", "close_open_window": "y"},
    )
    db.session.expire_all()
    assert db.session.get(Revision, revision.id).status == "published"
    response = client.post(
        f"/docs/{c.slug}/revisions/{revision.id}/comments/{comment.id}/apply",
        follow_redirects=True,
    )
    assert "are frozen" in response.get_data(as_text=True)
    section = _new_section(revision, c.sections[0].provision_id)
    response = client.post(
        _edit_url(c, revision, section),
        data={"lock_version": section.lock_version, "number": "1.1", "heading": "x",
              "body": "y", "comment_ids": [comment.id]},
    )  # fmt: skip
    assert response.status_code == 400
    assert _links(revision) == set()
    response = client.post(
        c.url(f"triage/{comment.id}"), data={"outcome": "accepted", "rationale": "Later."}
    )
    assert response.status_code == 400
    page = client.get(f"/docs/{c.slug}/revisions/{revision.id}/").get_data(as_text=True)
    assert "Prepared version 2" in page and "are frozen" in page


def test_traceability_hooks_both_ways(client, db, app):
    c = build_consultation(comments=2)
    secret = factories.CommentFactory(section=c.sections[0], is_confidential=True)
    factories.DispositionFactory(comment=c.comments[0], outcome="accepted", rationale="Done.")
    revision = _open(client, c)
    section = _new_section(revision, c.sections[0].provision_id)
    client.post(
        _edit_url(c, revision, section),
        data={"lock_version": section.lock_version, "number": "1.1", "heading": "New heading",
              "body": "New body.", "comment_ids": [c.comments[0].id, secret.id]},
    )  # fmt: skip
    login(client, c.chair)
    client.post(
        f"/docs/{c.slug}/revisions/{revision.id}/publish",
        data={"changelog": "Done.", "publish_anyway": "y", "close_open_window": "y"},
    )
    db.session.expire_all()
    new = db.session.get(Version, revision.version_id)
    with app.test_request_context():
        public = hooks.collect("version_page", version=new, sections=[], user=None)
        reasons = public["change_reasons"][c.sections[0].provision_id]
        assert [x.id for x in reasons] == [c.comments[0].id]  # the confidential one is hidden
        staff = hooks.collect("compare_page", old=c.version, new=new, comparison=None,
                              user=c.moderator)  # fmt: skip
        assert {x.id for x in staff["change_reasons"][c.sections[0].provision_id]} == {
            c.comments[0].id, secret.id,
        }  # fmt: skip
        thread = hooks.collect("comment_thread", comments=c.comments, user=None)
        assert thread["dispositions"][c.comments[0].id].outcome == "accepted"
        assert c.comments[1].id not in thread["dispositions"]
        [(label, url)] = thread["landings"][c.comments[0].id]
        assert "New heading (version 2)" in label and "/v2/" in url
        mine = hooks.collect("my_comments", comments=[c.comments[0]], user=c.comments[0].author)
        assert c.comments[0].id in mine["landings"]


def test_workspace_query_count_does_not_grow_with_comments(client, db, count_queries):
    counts = []
    for size in (5, 40):
        c = build_consultation(comments=size)
        for comment in c.comments[::3]:
            factories.DispositionFactory(comment=comment, outcome="noted")
        revision = _open(client, c)
        section = _new_section(revision, c.sections[0].provision_id)
        client.post(
            _edit_url(c, revision, section),
            data={"lock_version": section.lock_version, "number": "1.1", "heading": "H",
                  "body": "B", "comment_ids": [x.id for x in c.comments[:4]]},
        )  # fmt: skip
        url = f"/docs/{c.slug}/revisions/{revision.id}/"
        client.get(url)
        with count_queries() as q:
            assert client.get(url).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]


def test_bulk_action_with_csrf_enabled(client, db, csrf_app):
    c = build_consultation(comments=1)
    login(client, c.moderator)
    page = client.get(c.url("triage")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(
        c.url("triage"),
        data={"csrf_token": token.group(1), "comment_ids": [c.comments[0].id],
              "action": "dispose", "outcome": "noted", "rationale": "Noted."},
    )  # fmt: skip
    assert response.status_code == 302
    refused = client.post(
        c.url("triage"),
        data={"comment_ids": [c.comments[0].id], "action": "dispose", "outcome": "noted",
              "rationale": "Again."},
    )  # fmt: skip
    assert refused.status_code == 400


def test_a_next_version_started_elsewhere_is_adopted(client, db):
    c = build_consultation(comments=1)
    started = revisions.drafts.start_version(c.document, user=c.chair)
    revision = _open(client, c)
    assert revision.version_id == started.id
