"""Similar-comments view, group actions, campaigns in the report, the desk, the reports loop."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.comments.fingerprint import CommentFingerprint
from consult.core.models import AuditEvent, OutboxMessage
from consult.extensions import db as _db
from consult.moderation.grouping_models import SimilarityGroup, SimilarityMember
from consult.moderation.models import Disposition
from consult.moderation.similarity import rebuild_groups
from tests import factories
from tests.web.test_moderation_support import build_consultation, login

TEMPLATE = (
    "As a member of {org}, I support the letter: every provider should publish the datasets "
    "used for training with their sources and licences, and keep the list up to date."
)


def _campaign(c, n=4):
    made = []
    for index in range(n):
        made.append(
            factories.CommentFactory(
                section=c.sections[0], body=TEMPLATE.format(org=f"Organisation {index}")
            )
        )
    rebuild_groups(c.version)
    _db.session.flush()
    near = _db.session.scalars(
        select(SimilarityGroup).where(
            SimilarityGroup.version_id == c.version.id, SimilarityGroup.level == "near"
        )
    ).one()
    return made, near


def test_rebuild_groups_the_template_and_fills_fingerprints(db):
    c = build_consultation(comments=2)
    made, near = _campaign(c)
    members = set(
        db.session.scalars(
            select(SimilarityMember.comment_id).where(SimilarityMember.group_id == near.id)
        )
    )
    assert members == {m.id for m in made}
    assert db.session.scalar(select(func.count()).select_from(CommentFingerprint)) >= 6


def test_similar_view_lists_groups_with_differences_marked(client, db):
    c = build_consultation(comments=1)
    _made, near = _campaign(c)
    login(client, c.moderator)
    page = client.get(c.url("triage/similar")).get_data(as_text=True)
    assert f"Group {near.id}" in page
    group_page = client.get(c.url(f"triage/similar/{near.id}")).get_data(as_text=True)
    assert "<mark>3,</mark>" in group_page or "<mark>3</mark>" in group_page
    assert "<script" not in TEMPLATE


def test_one_disposition_for_the_group_gives_each_comment_its_own(client, db):
    c = build_consultation(comments=0)
    made, near = _campaign(c)
    login(client, c.moderator)
    response = client.post(
        c.url(f"triage/similar/{near.id}/dispose"),
        data={
            "all-outcome": "noted",
            "all-rationale": "Noted, thank you.",
            "all-only_undecided": "y",
        },
    )
    assert response.status_code == 302
    outcomes = db.session.scalars(
        select(Disposition.outcome).where(Disposition.comment_id.in_([m.id for m in made]))
    ).all()
    assert outcomes == ["noted"] * len(made)


def test_duplicates_split_and_campaign_counted_in_report_and_csv(client, db):
    c = build_consultation(comments=2)
    made, near = _campaign(c)
    login(client, c.moderator)
    assert (
        client.post(
            c.url(f"triage/similar/{near.id}/split"), data={"split-comment_id": made[-1].id}
        ).status_code
        == 302
    )
    assert (
        client.post(
            c.url(f"triage/similar/{near.id}/duplicates"), data={"dup-original": made[0].id}
        ).status_code
        == 302
    )
    dup = db.session.scalars(select(Disposition).where(Disposition.comment_id == made[1].id)).one()
    assert dup.outcome == "duplicate" and dup.duplicate_of_id == made[0].id
    split_one = db.session.scalars(
        select(Disposition).where(Disposition.comment_id == made[-1].id)
    ).first()
    assert split_one is None or split_one.outcome is None
    assert (
        client.post(
            c.url(f"triage/similar/{near.id}/campaign"),
            data={"camp-is_campaign": "y", "camp-name": "Data letter"},
        ).status_code
        == 302
    )
    report = client.get(c.url("report")).get_data(as_text=True)
    assert "of which 3 in 1 campaign" in report
    csv_text = client.get(c.url("report.csv")).get_data(as_text=True)
    assert csv_text.splitlines()[0].endswith(",campaign,language,attachments")
    assert csv_text.count("Data letter") == 3
    # the split stays split after a rebuild, and the campaign is kept
    rebuild_groups(c.version)
    kept = db.session.scalars(
        select(SimilarityGroup).where(
            SimilarityGroup.version_id == c.version.id, SimilarityGroup.level == "near"
        )
    ).one()
    assert kept.is_campaign and kept.campaign_name == "Data letter" and kept.size == 3


def test_suggestion_on_the_disposition_page(client, db):
    c = build_consultation(comments=0)
    made, _near = _campaign(c)
    twin = factories.CommentFactory(section=c.sections[1], body=made[0].body)
    rebuild_groups(c.version)
    login(client, c.moderator)
    page = client.get(c.url(f"triage/{twin.id}")).get_data(as_text=True)
    assert "1 comment looks identical to this one" in page


@pytest.mark.parametrize(
    "role", ["anonymous", "stakeholder", "member", "moderator", "chair", "admin"]
)
def test_desk_and_similar_view_by_role(client, db, role):
    c = build_consultation(comments=1)
    if role != "anonymous":
        if role == "moderator":
            user = c.moderator
        elif role == "chair":
            user = c.chair
        elif role == "admin":
            user = factories.UserFactory(is_admin=True)
        else:
            user = factories.UserFactory()
            if role == "member":
                factories.MembershipFactory(
                    group=c.group, user=user, role="member", status="approved"
                )
        login(client, user)
    desk = client.get("/desk")
    similar = client.get(c.url("triage/similar"))
    allowed = role in {"moderator", "chair", "admin"}
    expected = 200 if allowed else (302 if role == "anonymous" else 403)
    assert desk.status_code == expected
    assert similar.status_code == expected
    if allowed:
        assert 'href="/desk"' in desk.get_data(as_text=True)


def test_desk_counts_and_bounded_queries(client, db, count_queries):
    c = build_consultation(comments=3)
    factories.DispositionFactory(comment=c.comments[0], outcome=None, assignee_id=c.moderator.id)
    factories.ReportFactory(comment=c.comments[1])
    login(client, c.moderator)
    page = client.get("/desk").get_data(as_text=True)
    assert "1 report awaiting a decision" in page
    assert '>1<span class="govuk-visually-hidden"> assigned to me' in page
    for _ in range(3):
        build_consultation(comments=2)
    with count_queries() as counter:
        assert client.get("/desk").status_code == 200
    small = len(counter.statements)
    for _ in range(5):
        more = build_consultation(comments=4)
        factories.MembershipFactory(
            group=more.group, user=c.moderator, role="moderator", status="approved"
        )
    login(client, c.moderator)
    with count_queries() as counter:
        assert client.get("/desk").status_code == 200
    assert len(counter.statements) <= small + 1
    assert len(counter.statements) <= 15


def test_distribute_assigns_unassigned_comments_audited(client, db):
    c = build_consultation(comments=6)
    login(client, c.moderator)
    response = client.post("/desk/distribute", data={"version_id": c.version.id})
    assert response.status_code == 302
    assigned = db.session.scalars(
        select(Disposition.assignee_id).where(
            Disposition.comment_id.in_([x.id for x in c.comments])
        )
    ).all()
    assert len(assigned) == 6 and None not in assigned
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "desk.distribute")
        )
        == 1
    )


def test_moderators_told_of_new_reports_and_reporter_of_outcome(app, db):
    from consult.comments.moderating import dismiss_report
    from consult.comments.services import report_comment

    c = build_consultation(comments=1)
    reader = factories.UserFactory()
    with app.test_request_context():
        report = report_comment(c.comments[0], user=reader, reason="spam")
        to = set(db.session.scalars(select(OutboxMessage.to_addr)))
        assert c.moderator.email in to
        dismiss_report(report, moderator=c.moderator)
    assert reader.email in set(db.session.scalars(select(OutboxMessage.to_addr)))


def test_hidden_comment_review_asked_once_and_decided_by_another_moderator(app, client, db):
    from consult.comments.moderating import hide_comment

    c = build_consultation(comments=1)
    comment = c.comments[0]
    other = factories.UserFactory()
    factories.MembershipFactory(group=c.group, user=other, role="moderator", status="approved")
    with app.test_request_context():
        hide_comment(comment, moderator=c.moderator, reason="Off-topic.")
    login(client, comment.author)
    url = f"/comments/{comment.id}/review"
    assert client.post(url, data={"reason": "It is on topic."}).status_code == 302
    again = client.post(url, data={"reason": "Again."})
    assert "already asked" in again.get_data(as_text=True)
    login(client, c.moderator)
    desk = client.get("/desk").get_data(as_text=True)
    assert f"/comments/{comment.id}/review/decide" in desk
    refused = client.post(url + "/decide", data={"decision": "restored", "note": "ok"})
    assert "Another moderator" in refused.get_data(as_text=True)
    login(client, other)
    done = client.post(url + "/decide", data={"decision": "restored", "note": "Fair point."})
    assert done.status_code == 302
    db.session.refresh(comment)
    assert comment.state == "visible"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"review.request", "review.decide", "comment.unhide"} <= actions


def test_overview_counts_campaign_comments_apart(client, db):
    c = build_consultation(comments=2)
    _made, near = _campaign(c)
    near.is_campaign, near.campaign_name = True, "Letter"
    login(client, c.moderator)
    page = client.get(c.url("comments/overview")).get_data(as_text=True)
    assert "6 public top-level comments, of which 4 in 1 campaign" in page


def test_group_actions_refused_to_stakeholders_and_other_groups_moderators(client, db):
    c = build_consultation(comments=0)
    made, near = _campaign(c)
    url = c.url(f"triage/similar/{near.id}/dispose")
    data = {"all-outcome": "noted", "all-rationale": "x"}
    login(client, factories.UserFactory())
    assert client.post(url, data=data).status_code == 403
    assert client.get(c.url(f"triage/similar/{near.id}")).status_code == 403
    assert client.post("/desk/distribute", data={"version_id": c.version.id}).status_code == 403
    elsewhere = build_consultation(comments=0)
    login(client, elsewhere.moderator)
    assert client.post(url, data=data).status_code == 403
    assert client.post("/desk/distribute", data={"version_id": c.version.id}).status_code == 403
    login(client, c.moderator)
    assert client.get(c.url("triage/similar/99999999999")).status_code == 404
    assert (
        db.session.scalars(
            select(Disposition).where(Disposition.comment_id.in_([m.id for m in made]))
        ).all()
        == []
    )
