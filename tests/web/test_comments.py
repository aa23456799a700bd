"""Comments on a provision: posting, threads, filters, endorsements, editing, moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from consult.comments.models import (
    Comment,
    CommentReport,
    CommentRevision,
    Endorsement,
    PendingComment,
)
from consult.core.models import AuditEvent, Notification, OutboxMessage
from consult.db import utcnow
from consult.drafts.models import ProvisionKey
from tests.factories import (
    CommentFactory,
    EndorsementFactory,
    ReportFactory,
    SectionFactory,
    UserFactory,
    VersionFactory,
    category,
)
from tests.web.test_comments_support import (
    next_version_section,
    published_section,
    published_sections,
    url_of,
)


@pytest.fixture
def section(db):
    return published_section()


def post_comment(client, section, **fields):
    data = {"body": "We support this measure.", "kind": "general", "proposal_scope": "provision"}
    data.update(fields)
    return client.post(url_of(section), data=data)


def comments_of(db, section):
    return db.session.scalars(select(Comment).where(Comment.section_id == section.id)).all()


# --- reading ----------------------------------------------------------------------------


def test_provision_page_shows_text_threads_and_form(client, login_as, section):
    CommentFactory(section=section, body="The *documentation* duty is too broad.")
    login_as("stakeholder")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "Measure heading 0" in page
    assert "technical documentation of the model" in page
    assert "<em>documentation</em> duty is too broad" in page
    assert 'name="body"' in page and 'data-maxlength="5000"' in page
    assert "js/comments.js" in page
    assert page.count("<article") == 1


def test_old_key_redirects_permanently_to_canonical(client, db, section):
    db.session.add(
        ProvisionKey(
            document_id=section.version.document_id, key="c9-m9", provision_id=section.provision_id
        )
    )
    db.session.flush()
    version = section.version
    response = client.get(f"/docs/{version.document.slug}/v{version.number}/c9-m9/?group=category")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(url_of(section) + "?group=category")


def test_unknown_key_and_invisible_documents_are_404(client, login_as, db, section):
    version = section.version
    assert client.get(f"/docs/{version.document.slug}/v{version.number}/nope/").status_code == 404
    assert (
        client.get(f"/docs/{version.document.slug}/v99/{section.provision.key}/").status_code == 404
    )
    version.document.visibility = "members"
    db.session.flush()
    assert "/login?next=" in client.get(url_of(section)).headers["Location"]  # sign in, then back
    login_as("stakeholder")
    assert client.get(url_of(section)).status_code == 404
    login_as("observer", group=version.document.group)
    assert client.get(url_of(section)).status_code == 200


def test_editing_version_is_404_for_readers(client, login_as, db):
    section = published_section(status="editing", opens_at=None)
    login_as("stakeholder")
    assert client.get(url_of(section)).status_code == 404
    login_as("chair", group=section.version.document.group)
    assert client.get(url_of(section)).status_code == 200


# --- commenting -------------------------------------------------------------------------


def test_post_comment_snapshots_author(client, login_as, db, section):
    user = login_as("stakeholder")
    user.organisation.pact_status = "pillar_ii"
    user.organisation.pact_verified_at = utcnow()
    db.session.flush()
    response = post_comment(client, section, body="Please **clarify** the scope.", kind="technical")
    assert response.status_code == 302
    (comment,) = comments_of(db, section)
    assert response.headers["Location"].endswith(f"thread={comment.id}#comment-{comment.id}")
    assert comment.author_id == user.id
    assert comment.organisation_id == user.organisation_id
    assert comment.organisation_name == user.organisation.name
    assert comment.category_id == category("industry").id
    assert comment.pact_status == "pillar_ii"
    assert comment.author_role is None
    assert comment.kind == "technical"
    assert comment.version_id == section.version_id
    assert comment.provision_id == section.provision_id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>clarify</strong>" in page
    assert "Technical" in page
    assert "AI Pact · pillar II" in page
    assert user.organisation.name in page and "Industry</strong>" in page


def test_unverified_pact_is_not_snapshotted(client, login_as, db, section):
    user = login_as("stakeholder")
    user.organisation.pact_status = "pillar_i"  # declared, not verified by an admin
    db.session.flush()
    post_comment(client, section)
    assert comments_of(db, section)[0].pact_status == "none"


def test_chair_comment_is_marked(client, login_as, db, section):
    login_as("chair", group=section.version.document.group)
    post_comment(client, section, body="Thank you all; we will revisit this.")
    (comment,) = comments_of(db, section)
    assert comment.author_role == "chair"
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "consult-comment--staff" in page
    assert ">Chair</strong>" in page


def test_rejected_submit_keeps_the_text(client, login_as, db, section, app):
    login_as("stakeholder")
    app.config["COMMENT_MAX_LENGTH"] = 20
    try:
        response = post_comment(client, section, body="This text is far too long to be accepted.")
    finally:
        app.config["COMMENT_MAX_LENGTH"] = 5000
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "must be 20 characters or fewer" in page
    assert "This text is far too long to be accepted." in page
    assert comments_of(db, section) == []


def test_empty_body_is_refused(client, login_as, db, section):
    login_as("stakeholder")
    page = post_comment(client, section, body="   ").get_data(as_text=True)
    assert "Enter your comment." in page
    assert comments_of(db, section) == []


def test_quote_must_occur_in_provision(client, login_as, db, section):
    login_as("stakeholder")
    page = post_comment(client, section, quote="the model shall be perfect", body="Why?").get_data(
        as_text=True
    )
    assert "must be copied exactly from the text of this provision" in page
    assert 'id="quote-error"' in page
    assert "the model shall be perfect" in page  # kept
    assert comments_of(db, section) == []


def test_quote_matches_after_whitespace_normalisation_and_rendering(client, login_as, db, section):
    login_as("stakeholder")
    # Copied from the page: list numbers gone, line breaks instead of spaces.
    quote = "describe the training\n   process. It shall be made available"
    response = post_comment(client, section, quote=quote, body="Which process?")
    assert response.status_code == 302
    assert comments_of(db, section)[0].quote == quote


def test_passage_proposal_requires_quote(client, login_as, db, section):
    login_as("stakeholder")
    page = post_comment(
        client, section, proposed_text="Better words.", proposal_scope="passage"
    ).get_data(as_text=True)
    assert "To replace only a passage, quote that passage" in page
    assert comments_of(db, section) == []
    response = post_comment(
        client,
        section,
        quote="keep up to date",
        proposed_text="review at least once a year",
        proposal_scope="passage",
    )
    assert response.status_code == 302
    comment = comments_of(db, section)[0]
    assert (comment.proposal_scope, comment.proposed_text) == (
        "passage",
        "review at least once a year",
    )
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "replacing the quoted passage" in page
    assert "“keep up to date”" in page


def test_proposal_for_whole_provision(client, login_as, db, section):
    login_as("stakeholder")
    post_comment(client, section, proposed_text="Signatories shall document.", proposal_scope="")
    assert comments_of(db, section)[0].proposal_scope == "provision"


def test_closed_window_replaces_form_with_notice(client, login_as, db, section):
    login_as("stakeholder")
    with time_machine.travel(section.version.closes_at + timedelta(hours=1), tick=False):
        page = client.get(url_of(section)).get_data(as_text=True)
    assert "The consultation closed on" in page
    assert 'name="body"' not in page


def test_post_after_closing_is_refused_with_text_shown_back(client, login_as, db, section):
    closes = section.version.closes_at
    login_as("stakeholder")
    assert client.get(url_of(section)).status_code == 200  # form loaded while open
    with time_machine.travel(closes + timedelta(minutes=5), tick=False):
        response = post_comment(client, section, body="My late but careful comment.")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "The consultation closed on" in page
    assert "readonly" in page and "My late but careful comment." in page
    assert "Copy it to keep it" in page
    assert comments_of(db, section) == []


def test_upcoming_window_says_when_it_opens(client, login_as, db):
    section = published_section(opens_at=utcnow() + timedelta(days=3))
    login_as("stakeholder")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "The consultation opens on" in page


def test_observer_of_members_only_document_reads_but_cannot_comment(client, login_as, db, section):
    section.version.document.visibility = "members"
    db.session.flush()
    login_as("observer", group=section.version.document.group)
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "Observers of this working group may read but not comment." in page
    assert post_comment(client, section).status_code == 403
    assert comments_of(db, section) == []


# --- threads ----------------------------------------------------------------------------


def _reply(client, parent, body):
    return client.post(f"/comments/{parent.id}/reply", data={"body": body})


def test_replies_nest_then_flatten_with_in_reply_to(client, login_as, db, section):
    top = CommentFactory(section=section, body="Level 0")
    login_as("stakeholder", display_name="Replier")
    parent = top
    for depth in range(1, 6):
        assert _reply(client, parent, f"Level {depth}").status_code == 302
        parent = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
        assert (parent.depth, parent.root_id) == (depth, top.id)
    page = client.get(url_of(section)).get_data(as_text=True)
    for depth in range(6):
        assert f"Level {depth}" in page
    # Levels 0-3 nested (three nested reply lists), 4 and 5 flattened under level 2.
    assert page.count('class="consult-thread__replies"') == 3
    assert page.count("in reply to Replier") == 2


def test_reply_notifies_parent_author_but_not_self(client, login_as, db, section):
    author = UserFactory(notify_mode="immediate")
    top = CommentFactory(section=section, author=author)
    login_as("stakeholder", display_name="Bea")
    _reply(client, top, "I agree with you.")
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == author.id)).one()
    assert "Bea replied to your comment" in mail.subject
    assert "I agree with you." in mail.body_text
    assert "/comments/" in mail.body_text
    mine = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    client.post(f"/comments/{mine.id}/reply", data={"body": "Replying to myself."})
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_reply_respects_daily_digest_and_none(client, login_as, db, section):
    daily = CommentFactory(section=section, author=UserFactory(notify_mode="daily"))
    silent = CommentFactory(section=section, author=UserFactory(notify_mode="none"))
    login_as("stakeholder")
    _reply(client, daily, "Noted.")
    _reply(client, silent, "Noted too.")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    notes = db.session.scalars(select(Notification)).all()
    assert [n.user_id for n in notes] == [daily.author_id]


def test_reply_form_errors_keep_text(client, login_as, db, section, app):
    top = CommentFactory(section=section)
    login_as("stakeholder")
    app.config["COMMENT_MAX_LENGTH"] = 10
    try:
        response = _reply(client, top, "A reply that is too long.")
    finally:
        app.config["COMMENT_MAX_LENGTH"] = 5000
    assert "A reply that is too long." in response.get_data(as_text=True)


def test_thread_permalink(client, db, section):
    top = CommentFactory(section=section)
    reply = CommentFactory(section=section, parent_id=top.id, root_id=top.id, depth=1)
    response = client.get(f"/comments/{reply.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?thread={top.id}#comment-{reply.id}")


def test_carry_over_from_earlier_version(client, db, section):
    CommentFactory(section=section, body="Said about the first draft.")
    old_number = section.version.number
    new_section = next_version_section(section, number="2.1", heading="Renumbered")
    CommentFactory(section=new_section, body="Said about the second draft.")
    page = client.get(url_of(new_section)).get_data(as_text=True)
    assert f"Comments on version {old_number}" in page
    assert "Said about the first draft." in page
    assert "Said about the second draft." in page
    assert page.index("Said about the second draft.") < page.index("Said about the first draft.")
    # The earlier version's own page does not show the later comments.
    old_page = client.get(url_of(section)).get_data(as_text=True)
    assert "Said about the second draft." not in old_page


def test_carry_over_is_bounded_with_count_and_link(client, db, section):
    base = utcnow() - timedelta(days=30)
    for index in range(12):
        CommentFactory(
            section=section,
            body=f"Old remark {index:02d}.",
            created_at=base + timedelta(hours=index),
        )
    n = section.version.number
    new_section = next_version_section(section)
    page = client.get(url_of(new_section)).get_data(as_text=True)
    # Only the five most recent threads of the earlier version, oldest of them first.
    shown = [f"Old remark {index:02d}." for index in range(7, 12)]
    assert all(body in page for body in shown)
    assert not any(f"Old remark {index:02d}." in page for index in range(7))
    assert [page.index(body) for body in shown] == sorted(page.index(body) for body in shown)
    assert page.count("<article") == 5
    assert f"12 comments on version {n}." in page
    assert "The 5 most recent of 12 threads are shown here." in page
    link = url_of(section)
    assert f'<a class="govuk-link" href="{link}">All 12 comments on version {n}</a>' in page
    # The link leads to the earlier version's own page, which lists every thread.
    old_page = client.get(link)
    assert old_page.status_code == 200
    old_text = old_page.get_data(as_text=True)
    assert all(f"Old remark {index:02d}." in old_text for index in range(12))


def test_carry_over_count_hides_confidential_from_visitors(client, login_as, db, section):
    CommentFactory(section=section, body="Public remark.")
    CommentFactory(section=section, body="Confidential remark.", is_confidential=True)
    CommentFactory(section=section, body="Hidden remark.", state="hidden")
    n = section.version.number
    new_section = next_version_section(section)
    page = client.get(url_of(new_section)).get_data(as_text=True)
    assert "Confidential remark." not in page
    assert f"1 comment on version {n}." in page
    assert f"All 1 comment on version {n}</a>" in page
    login_as("moderator", group=section.version.document.group)
    page = client.get(url_of(new_section)).get_data(as_text=True)
    assert "Confidential remark." in page
    # Hidden comments are never counted, as in the counters of the provision page.
    assert f"2 comments on version {n}, confidential ones included." in page
    assert f"All 2 comments on version {n}</a>" in page


def test_carry_over_link_follows_renamed_key(client, db, section):
    CommentFactory(section=section, body="Said before the renaming.")
    n = section.version.number
    new_section = next_version_section(section)
    provision = section.provision
    old_key = provision.key  # the factory recorded it in ProvisionKey
    provision.key = "renamed-measure"
    db.session.add(
        ProvisionKey(
            document_id=provision.document_id, key="renamed-measure", provision_id=provision.id
        )
    )
    db.session.flush()
    page = client.get(url_of(new_section)).get_data(as_text=True)
    link = f"/docs/{section.version.document.slug}/v{n}/renamed-measure/"
    assert f'href="{link}">All 1 comment on version {n}</a>' in page
    assert "Said before the renaming." in client.get(link).get_data(as_text=True)
    # A link to the earlier version under its former key still lands there.
    former = client.get(link.replace("renamed-measure", old_key))
    assert former.status_code == 301 and former.headers["Location"].endswith(link)


def test_filter_and_group_by_category(client, db, section):
    sme = UserFactory(organisation__category=category("sme"))
    academic = UserFactory(organisation__category=category("academia"))
    CommentFactory(section=section, author=sme, body="From an SME.")
    CommentFactory(section=section, author=academic, body="From academia.")
    CommentFactory(section=section, body="From industry.")
    page = client.get(url_of(section, category="sme")).get_data(as_text=True)
    assert "From an SME." in page and "From academia." not in page and "From industry." not in page
    page = client.get(url_of(section) + "?category=sme&category=academia").get_data(as_text=True)
    assert "From an SME." in page and "From academia." in page and "From industry." not in page
    page = client.get(url_of(section, group="category")).get_data(as_text=True)
    assert page.index("From industry.") < page.index("From an SME.") < page.index("From academia.")
    assert '<h3 class="govuk-heading-s">SMEs</h3>' in page


def test_counts_per_category_on_provision_page(client, db, section):
    sme = UserFactory(organisation__category=category("sme"))
    CommentFactory(section=section, author=sme)
    CommentFactory(section=section, author=sme)
    CommentFactory(section=section)
    CommentFactory(section=section, is_confidential=True)
    CommentFactory(section=section, state="deleted")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "3 comments on this provision" in page


# --- endorsements -----------------------------------------------------------------------


def test_endorse_change_and_withdraw(client, login_as, db, section):
    comment = CommentFactory(section=section)
    user = login_as("stakeholder", organisation__category=category("sme"))
    client.post(f"/comments/{comment.id}/endorse", data={"stance": "support"})
    endorsement = db.session.scalars(select(Endorsement)).one()
    assert (endorsement.user_id, endorsement.stance) == (user.id, "support")
    assert endorsement.category_id == category("sme").id
    assert "1 SMEs supports this" in client.get(url_of(section)).get_data(as_text=True)
    client.post(f"/comments/{comment.id}/endorse", data={"stance": "oppose"})
    assert db.session.scalars(select(Endorsement.stance)).one() == "oppose"
    client.post(f"/comments/{comment.id}/endorse", data={"stance": "withdraw"})
    assert db.session.scalars(select(Endorsement)).all() == []


def test_endorsement_counts_per_category(client, db, section):
    comment = CommentFactory(section=section)
    for _ in range(12):
        EndorsementFactory(comment=comment, category_id=category("sme").id)
    EndorsementFactory(comment=comment, category_id=category("industry").id, stance="oppose")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "12 SMEs support this" in page
    assert "1 Industry opposes this" in page


def test_cannot_endorse_own_or_confidential(client, login_as, db, section):
    user = login_as("stakeholder")
    own = CommentFactory(section=section, author=user)
    secret = CommentFactory(section=section, is_confidential=True, author=user)
    response = client.post(f"/comments/{own.id}/endorse", data={"stance": "support"})
    assert response.status_code == 302
    client.post(f"/comments/{secret.id}/endorse", data={"stance": "support"})
    assert db.session.scalars(select(Endorsement)).all() == []
    other_secret = CommentFactory(section=section, is_confidential=True)
    assert (
        client.post(f"/comments/{other_secret.id}/endorse", data={"stance": "support"}).status_code
        == 404
    )


# --- edit, delete, history --------------------------------------------------------------


def test_edit_keeps_history(client, login_as, db, section):
    user = login_as("stakeholder")
    comment = CommentFactory(section=section, author=user, body="First words.")
    response = client.post(
        f"/comments/{comment.id}/edit",
        data={"body": "Second words.", "kind": "editorial", "proposal_scope": "provision"},
    )
    assert response.status_code == 302
    assert comment.body == "Second words." and comment.kind == "editorial"
    assert comment.edited_at is not None
    revision = db.session.scalars(select(CommentRevision)).one()
    assert revision.body == "First words."
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "edited " in page
    history = client.get(f"/comments/{comment.id}/history").get_data(as_text=True)
    assert "First words." in history and "Second words." in history


def test_edit_only_by_author_within_window(client, login_as, db, section):
    comment = CommentFactory(section=section)
    login_as("stakeholder")
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    login_as("visitor")
    assert client.get(f"/comments/{comment.id}/edit").status_code == 302
    user = login_as("stakeholder")
    mine = CommentFactory(section=section, author=user)
    with time_machine.travel(section.version.closes_at + timedelta(seconds=1), tick=False):
        assert client.post(f"/comments/{mine.id}/edit", data={"body": "x"}).status_code == 403


def test_delete_leaves_placeholder_and_replies(client, login_as, db, section):
    user = login_as("stakeholder")
    comment = CommentFactory(section=section, author=user, body="Regrettable words.")
    CommentFactory(
        section=section, parent_id=comment.id, root_id=comment.id, depth=1, body="A reply stays."
    )
    assert client.get(f"/comments/{comment.id}/delete").status_code == 200
    assert client.post(f"/comments/{comment.id}/delete").status_code == 302
    assert comment.state == "deleted" and comment.body == "Regrettable words."
    login_as("visitor")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "[deleted by its author]" in page
    assert "Regrettable words." not in page
    assert "A reply stays." in page
    assert client.get(f"/comments/{comment.id}/history").status_code == 404


# --- moderation -------------------------------------------------------------------------


def test_moderator_hides_with_reason_audited_and_author_told(client, login_as, db, section):
    comment = CommentFactory(section=section, body="Buy cheap watches.")
    moderator = login_as("moderator", group=section.version.document.group)
    assert client.get(f"/comments/{comment.id}/hide").status_code == 200
    page = client.post(f"/comments/{comment.id}/hide", data={"reason": ""}).get_data(as_text=True)
    assert "Give the reason for hiding this comment." in page
    client.post(f"/comments/{comment.id}/hide", data={"reason": "Advertising."})
    assert comment.state == "hidden" and comment.hidden_by_id == moderator.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "comment.hide")).one()
    assert event.object_id == comment.id and event.actor_id == moderator.id
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.user_id == comment.author_id and "Advertising." in mail.body_text
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "Buy cheap watches." in page and "Reason: Advertising." in page
    login_as("visitor")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "[hidden by a moderator]" in page and "Buy cheap watches." not in page
    login_as("moderator", group=section.version.document.group)
    client.post(f"/comments/{comment.id}/unhide")
    assert comment.state == "visible"
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "comment.unhide")
    )


def test_report_once_then_moderator_upholds(client, login_as, db, section):
    comment = CommentFactory(section=section, body="Off-topic rant.")
    login_as("stakeholder")
    page = client.get(f"/comments/{comment.id}/report").get_data(as_text=True)
    assert "Why are you reporting this comment?" in page
    response = client.post(
        f"/comments/{comment.id}/report", data={"reason": "off_topic", "note": "Not about this."}
    )
    assert response.status_code == 302
    again = client.post(f"/comments/{comment.id}/report", data={"reason": "spam"})
    assert "You have already reported this comment." in again.get_data(as_text=True)
    report = db.session.scalars(select(CommentReport)).one()
    version = section.version
    queue = f"/docs/{version.document.slug}/v{version.number}/reports"
    login_as("moderator", group=version.document.group)
    page = client.get(queue).get_data(as_text=True)
    assert "Off-topic rant." in page and "Not about this." in page
    client.post(f"/reports/{report.id}/uphold", data={"reason": "Off-topic."})
    assert report.status == "upheld" and comment.state == "hidden"
    assert comment.hidden_reason == "Off-topic."
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"report.uphold", "comment.hide"} <= actions


def test_moderator_dismisses_report(client, login_as, db, section):
    report = ReportFactory(comment=CommentFactory(section=section))
    login_as("chair", group=section.version.document.group)
    response = client.post(f"/reports/{report.id}/dismiss")
    assert response.status_code == 302
    assert report.status == "dismissed" and report.comment.state == "visible"
    assert db.session.scalars(select(AuditEvent.action)).one() == "report.dismiss"
    version = section.version
    page = client.get(
        f"/docs/{version.document.slug}/v{version.number}/reports?status=resolved"
    ).get_data(as_text=True)
    assert "Dismissed" in page


# --- my comments, overview --------------------------------------------------------------


def test_my_comments_lists_status(client, login_as, db, section):
    user = login_as("stakeholder")
    CommentFactory(section=section, author=user, body="Visible one.")
    CommentFactory(section=section, author=user, body="Edited one.", edited_at=utcnow())
    CommentFactory(section=section, author=user, state="hidden", hidden_reason="Rude.")
    CommentFactory(section=section, author=user, state="deleted")
    CommentFactory(section=section, body="Somebody else's.")
    page = client.get("/me/comments").get_data(as_text=True)
    assert "Visible one." in page and "Edited one." in page
    assert "Somebody else" not in page
    for label in ("Visible", "Edited", "Hidden by a moderator", "Deleted", "Reason: Rude."):
        assert label in page
    assert section.provision.key in page
    login_as("visitor")
    assert client.get("/me/comments").status_code == 302


def test_my_comments_names_the_kind_of_provision(client, login_as, db):
    version = VersionFactory(status="editing")
    question = SectionFactory(version=version, kind="open_question", number="3", heading="")
    version.status = "published"
    db.session.flush()
    user = login_as("stakeholder")
    CommentFactory(section=question, author=user, body="An answer to the question.")
    page = client.get("/me/comments").get_data(as_text=True)
    assert f"version {version.number}: Open question 3</a>" in page


def test_overview_table_and_svg_chart(client, db):
    section, other = published_sections(2)
    CommentFactory(section=section, author=UserFactory(organisation__category=category("sme")))
    CommentFactory(section=other)
    CommentFactory(section=other)
    version = section.version
    response = client.get(f"/docs/{version.document.slug}/v{version.number}/comments/overview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">SMEs</th>' in page
    )
    assert "<svg" in page and "<title id=" in page and "<desc id=" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert page.count("<rect") >= 2 + 5  # two bars and five legend keys


# --- nothing lost -----------------------------------------------------------------------


def test_anonymous_post_is_kept_and_restored_after_sign_in(client, login_as, db, section):
    response = post_comment(
        client, section, body="Typed before my session ran out.", kind="editorial"
    )
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    pending = db.session.scalars(select(PendingComment)).one()
    assert pending.fields["body"] == "Typed before my session ran out."
    login_as("stakeholder")
    page = client.get(url_of(section, resume=pending.token)).get_data(as_text=True)
    assert "Typed before my session ran out." in page
    assert "We kept the comment you were writing" in page
    assert db.session.scalars(select(PendingComment)).all() == []
    assert comments_of(db, section) == []  # nothing published until sent again


def test_expired_csrf_session_rescues_the_comment(client, csrf_app, login_as, db, section):
    response = client.post(
        url_of(section),
        data={"body": "Written while my session expired.", "csrf_token": "stale"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/login?next=" in location and "resume" in location
    token = db.session.scalars(select(PendingComment.token)).one()
    login_as("stakeholder")
    page = client.get(url_of(section, resume=token)).get_data(as_text=True)
    assert "Written while my session expired." in page


def test_cross_site_csrf_failure_stashes_nothing(client, csrf_app, db, section):
    response = client.post(
        url_of(section),
        data={"body": "Injected by another site.", "csrf_token": "bad"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 400
    assert db.session.scalars(select(PendingComment)).all() == []


def test_pending_comment_expires_and_belongs_to_its_form(client, login_as, db):
    section, other = published_sections(2)
    post_comment(client, section, body="Old text.")
    pending = db.session.scalars(select(PendingComment)).one()
    login_as("stakeholder")
    page = client.get(url_of(other, resume=pending.token)).get_data(as_text=True)
    assert "Old text." not in page
    pending.created_at = utcnow() - timedelta(days=2)
    db.session.flush()
    page = client.get(url_of(section, resume=pending.token)).get_data(as_text=True)
    assert "Old text." not in page


def test_autosave_and_quote_hooks_in_markup(client, login_as, section):
    login_as("stakeholder")
    page = client.get(url_of(section)).get_data(as_text=True)
    assert f'data-autosave="{url_of(section)}#new"' in page
    assert "data-quote-button" in page and "hidden>Quote selected text" in page
    assert "data-provision-text" in page


# --- bounded queries --------------------------------------------------------------------


def _populate(section, threads):
    users = [UserFactory() for _ in range(3)]
    for index in range(threads):
        top = CommentFactory(section=section, author=users[index % 3])
        reply = CommentFactory(
            section=section,
            parent_id=top.id,
            root_id=top.id,
            depth=1,
            author=users[(index + 1) % 3],
        )
        CommentFactory(section=section, parent_id=reply.id, root_id=top.id, depth=2)
        EndorsementFactory(comment=top, user=users[(index + 2) % 3])
        EndorsementFactory(comment=reply, user=users[index % 3], stance="oppose")


def test_provision_page_query_count_does_not_grow(client, login_as, db, count_queries):
    small, large = published_section(), published_section()
    _populate(small, 3)  # 9 comments
    _populate(large, 30)  # 90 comments (30 threads: still one page)
    login_as("stakeholder")
    client.get(url_of(small))
    with count_queries() as q_small:
        assert client.get(url_of(small)).status_code == 200
    with count_queries() as q_large:
        page = client.get(url_of(large)).get_data(as_text=True)
    assert page.count("<article") == 90
    assert q_large.count == q_small.count, q_large.statements


def test_carry_over_query_count_does_not_grow(client, login_as, db, count_queries):
    small, large = published_section(), published_section()
    _populate(small, 3)  # 3 threads of 3 comments on version 1
    _populate(large, 30)  # 30 threads: only the newest 5 are carried over
    new_small, new_large = next_version_section(small), next_version_section(large)
    login_as("stakeholder")
    # Warm both pages: the first request of each loads objects the session then keeps.
    client.get(url_of(new_small))
    client.get(url_of(new_large))
    with count_queries() as q_small:
        page = client.get(url_of(new_small)).get_data(as_text=True)
    assert page.count("<article") == 9
    with count_queries() as q_large:
        page = client.get(url_of(new_large)).get_data(as_text=True)
    assert page.count("<article") == 15
    assert f"All 90 comments on version {large.version.number}</a>" in page
    assert q_large.count == q_small.count, q_large.statements


# --- other domains' pages ---------------------------------------------------------------


def test_version_page_shows_counts_per_category_and_panel(client, login_as, db, section):
    sme = UserFactory(organisation__category=category("sme"))
    CommentFactory(section=section, author=sme)
    CommentFactory(section=section, author=sme)
    CommentFactory(section=section)
    CommentFactory(section=section, is_confidential=True, body="Hush.")
    ReportFactory(comment=CommentFactory(section=section, author=sme))
    version = section.version
    page = client.get(f"/docs/{version.document.slug}/v{version.number}/").get_data(as_text=True)
    assert "4 comments</strong>" in page
    assert "SMEs 3" in page and "Industry 1" in page
    assert "/comments/overview" in page
    assert "Reported comments" not in page
    login_as("moderator", group=version.document.group)
    page = client.get(f"/docs/{version.document.slug}/v{version.number}/").get_data(as_text=True)
    assert "5 comments</strong>" in page
    assert "Reported comments (1 waiting)" in page


def test_disposition_from_moderation_is_shown(client, db, section):
    from tests.factories import DispositionFactory

    comment = CommentFactory(section=section)
    DispositionFactory(
        comment=comment, outcome="accepted", rationale="Agreed; the *text* is clearer."
    )
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "Response from the moderators" in page
    assert "Agreed; the <em>text</em> is clearer." in page


def test_expired_session_on_reply_form_comes_back_to_the_reply(
    client, csrf_app, login_as, db, section
):
    top = CommentFactory(section=section)
    response = client.post(
        f"/comments/{top.id}/reply", data={"body": "My unsent reply.", "csrf_token": "stale"}
    )
    assert response.status_code == 302
    pending = db.session.scalars(select(PendingComment)).one()
    assert pending.parent_id == top.id
    assert f"/comments/{top.id}/reply" in response.headers["Location"].replace("%2F", "/")
    login_as("stakeholder")
    page = client.get(f"/comments/{top.id}/reply?resume={pending.token}").get_data(as_text=True)
    assert "My unsent reply." in page and "We kept the reply you were writing" in page


def test_post_to_former_key_is_accepted(client, login_as, db, section):
    db.session.add(
        ProvisionKey(
            document_id=section.version.document_id, key="c8-m8", provision_id=section.provision_id
        )
    )
    db.session.flush()
    login_as("stakeholder")
    version = section.version
    response = client.post(
        f"/docs/{version.document.slug}/v{version.number}/c8-m8/",
        data={"body": "Sent while the provision was renumbered.", "kind": "general"},
    )
    assert response.status_code == 302
    assert comments_of(db, section)[0].body == "Sent while the provision was renumbered."


def test_a_resume_link_does_not_fill_another_browsers_form(app, client, csrf_app, db, section):
    from tests.factories import UserFactory

    client.post(
        url_of(section),
        data={"body": "Planted text for someone else.", "csrf_token": "stale"},
        headers={"Origin": "http://localhost"},
    )
    token = db.session.scalars(select(PendingComment.token)).one()
    victim = app.test_client()
    user = UserFactory()
    db.session.commit()
    with victim.session_transaction() as session:
        session["_user_id"] = user.get_id()
    page = victim.get(url_of(section, resume=token)).get_data(as_text=True)
    assert "Planted text for someone else." not in page
    assert db.session.scalars(select(PendingComment.token)).one() == token  # not used up


def test_rescue_stash_refuses_oversized_fields(client, csrf_app, db, section):
    client.post(
        url_of(section),
        data={"body": "x" * 80_000, "csrf_token": "stale"},
        headers={"Origin": "http://localhost"},
    )
    assert db.session.scalars(select(PendingComment)).all() == []
