"""Reports on questions to the chairs reach the moderators' desk and queue (issue 19); the
group page counts attendance and questions per stakeholder category."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.events import services
from consult.events.models import QuestionReport
from consult.extensions import db as _db
from tests import factories
from tests.web.test_events import make_event, member, page


@pytest.fixture
def group(db):
    return factories.GroupFactory()


def reported(group, client, login_as):
    event = make_event(group)
    question = services.ask_question(event, member(group), "Buy cheap watches", None)
    login_as("stakeholder")
    client.post(f"/events/questions/{question.id}/report", data={"reason": "Spam"})
    g.pop("_login_user", None)
    report = _db.session.scalars(select(QuestionReport)).one()
    return event, question, report


def test_report_reaches_the_desk_and_the_queue(client, login_as, group):
    _event, question, report = reported(group, client, login_as)
    assert report.status == "open" and report.reason == "Spam" and question.reported_count == 1
    login_as("moderator", group)
    desk = page(client.get("/desk"))
    assert "1 report on a question awaiting a decision" in desk
    assert f"/events/groups/{group.slug}/question-reports" in desk
    queue = page(client.get(f"/events/groups/{group.slug}/question-reports"))
    assert "Buy cheap watches" in queue and "Spam" in queue


@pytest.mark.parametrize(
    ("role", "code"),
    [("visitor", 302), ("stakeholder", 403), ("member", 403), ("other_chair", 403),
     ("moderator", 200), ("chair", 200), ("admin", 200)],
)  # fmt: skip
def test_queue_is_for_the_groups_moderators(client, login_as, group, role, code):
    _event, _question, report = reported(group, client, login_as)
    login_as(role, group)
    assert client.get(f"/events/groups/{group.slug}/question-reports").status_code == code
    assert client.get(f"/events/question-reports/{report.id}/uphold").status_code == code


def test_uphold_hides_with_reason_audited(client, login_as, group):
    event, question, report = reported(group, client, login_as)
    moderator = login_as("moderator", group)
    url = f"/events/question-reports/{report.id}/uphold"
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 200 and "Give a reason." in page(refused)
    assert not question.is_hidden
    done = client.post(url, data={"reason": "Advertising"})
    assert done.status_code == 302
    assert question.hidden_reason == "Advertising" and report.status == "upheld"
    assert report.resolved_by_id == moderator.id
    audit = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "question.report.uphold")
    ).one()
    assert audit.actor_id == moderator.id and audit.object_id == question.id
    body = page(client.get(f"/events/{event.id}"))
    assert "Buy cheap watches" not in body


def test_dismiss_keeps_the_question_audited(client, login_as, group):
    _event, question, report = reported(group, client, login_as)
    login_as("chair", group)
    assert client.post(f"/events/question-reports/{report.id}/dismiss").status_code == 302
    assert report.status == "dismissed" and not question.is_hidden
    assert _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "question.report.dismiss")
    ).one()
    desk = page(client.get("/desk"))
    assert "0 reports on questions awaiting a decision" in desk


def test_chair_hiding_from_the_question_page_closes_its_reports(client, login_as, group):
    _event, question, report = reported(group, client, login_as)
    chair = factories.MembershipFactory(group=group, role="chair").user
    services.hide_question(question, chair, "Off topic")
    assert report.status == "upheld"


def test_group_page_counts_attendance_and_questions_per_category(client, login_as, group):
    event = make_event(group)
    industry = member(group)
    academic = member(group)
    academic.organisation.category = factories.category("academia")
    _db.session.flush()
    for user in (industry, academic):
        services.register(event, user)
    services.record_attendance(event, industry, {industry.id})
    services.ask_question(event, academic, "How is this measured?", None)
    body = page(client.get(f"/groups/{group.slug}/"))
    assert "Events: attendance and questions per category" in body
    section = body.split("group-participation-heading", 1)[1].split("</section>", 1)[0]
    rows = [
        [cell.strip() for cell in row.split("</t")[:4]]
        for row in section.split('<tr class="govuk-table__row">')[2:]
    ]
    assert len(rows) == 2
    assert any(">1" in r[1] and ">1" in r[2] and ">0" in r[3] for r in rows)  # industry
    assert any(">1" in r[1] and ">0" in r[2] and ">1" in r[3] for r in rows)  # academia
