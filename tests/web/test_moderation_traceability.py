"""Traceability on other domains' pages: version page, comparison, provision page, my comments."""

from __future__ import annotations

from sqlalchemy import select

from consult.drafts.models import Section
from consult.extensions import db
from consult.moderation import revisions
from tests import factories
from tests.web.test_moderation_support import build_consultation, login


def _published_revision(c, *, remove_third: bool = False):
    """v1 -> v2 with measure 1.1 edited because of comment 0; comment 0 accepted."""
    factories.DispositionFactory(
        comment=c.comments[0], outcome="accepted", rationale="Adopted in the next draft."
    )
    revision = revisions.open_revision(c.version, user=c.chair)
    new = {s.provision_id: s for s in revisions.drafts.sections_of(revision.version)}
    first = new[c.sections[0].provision_id]
    revisions.save_section(
        revision, first, expected_lock_version=first.lock_version,
        heading="Up-to-date documentation",
        body="Signatories shall keep the documentation current at all times.", number="1.1",
        comment_ids=[c.comments[0].id], note="", user=c.chair,
    )  # fmt: skip
    if remove_third:
        revisions.remove_provision(
            revision, new[c.sections[2].provision_id], comment_ids=[c.comments[2].id], note="",
            user=c.chair,
        )  # fmt: skip
    revisions.publish_revision(
        revision, user=c.chair, changelog="Clarified.", opens_at=None, closes_at=None,
        publish_anyway=True, close_open_window=True,
    )  # fmt: skip
    db.session.commit()
    return revision


def test_version_page_shows_changes_in_response_to_comments(client, db):
    c = build_consultation(comments=3)
    _published_revision(c)
    page = client.get(f"/docs/{c.slug}/v2/").get_data(as_text=True)
    assert "Changed in response to 1 comment" in page
    assert f"comment-{c.comments[0].id}" in page
    assert f"/docs/{c.slug}/v2/report" in page


def test_comparison_shows_changes_in_response_to_comments(client, db):
    c = build_consultation(comments=3)
    _published_revision(c)
    response = client.get(f"/docs/{c.slug}/compare/v1...v2")
    assert response.status_code == 200
    assert "in response to 1 comment" in response.get_data(as_text=True)


def test_version_page_offers_moderators_to_open_a_revision(client, db):
    c = build_consultation(comments=1)
    login(client, c.moderator)
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    assert "Open a revision for version 2" in page
    assert f"/docs/{c.slug}/v1/triage" in page
    login(client, factories.UserFactory())
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    assert "Open a revision" not in page and "/triage" not in page
    assert f"/docs/{c.slug}/v1/report" in page


def test_each_comment_shows_its_disposition_and_where_it_landed(client, db):
    c = build_consultation(comments=3)
    _published_revision(c, remove_third=True)
    author = c.comments[0].author
    login(client, author)
    page = client.get("/me/comments").get_data(as_text=True)
    assert "Adopted in the next draft." in page
    assert "Up-to-date documentation (version 2)" in page
    assert f"/docs/{c.slug}/v2/c1-m1/" in page
    thread = client.get(f"/docs/{c.slug}/v1/c1-m1/").get_data(as_text=True)
    assert "Adopted in the next draft." in thread
    assert "Up-to-date documentation (version 2)" in thread


def test_carry_over_shows_earlier_comments_with_dispositions(client, db):
    c = build_consultation(comments=3)
    _published_revision(c)
    page = client.get(f"/docs/{c.slug}/v2/c1-m1/").get_data(as_text=True)
    assert c.comments[0].body in page
    assert "Adopted in the next draft." in page


def test_removed_provision_landing_points_to_the_comparison(client, db):
    c = build_consultation(comments=3)
    _published_revision(c, remove_third=True)
    assert db.session.scalars(
        select(Section).where(Section.provision_id == c.sections[2].provision_id)
    ).all()  # still in version 1
    rows = client.get(f"/docs/{c.slug}/v1/report").get_data(as_text=True)
    assert "Removed in version 2" in rows
    assert f"/docs/{c.slug}/compare/v1...v2#c1-m3" in rows
