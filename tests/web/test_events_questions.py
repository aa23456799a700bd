"""Questions to the chairs: who asks, supports (per category), answers, merges and hides."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.events import services
from consult.events.models import Question
from consult.extensions import db as _db
from tests import factories
from tests.web.test_events import make_event, member, page


@pytest.fixture
def group(db):
    return factories.GroupFactory()


@pytest.mark.parametrize(
    ("role", "register", "allowed"),
    [
        ("visitor", False, False),
        ("stakeholder", False, False),
        ("member", False, False),
        ("member", True, True),
        ("chair", False, True),
    ],
)
def test_only_registered_participants_ask(client, login_as, group, role, register, allowed):
    event = make_event(group)
    user = login_as(role, group)
    if register:
        services.register(event, user)
    response = client.post(
        f"/events/{event.id}/questions", data={"body": "Why?", "agenda_item_id": "0"}
    )
    assert response.status_code in (302, 403)
    asked = _db.session.scalars(select(Question)).first()
    assert (asked is not None) is allowed
    if allowed:
        assert "Why?" in page(client.get(f"/events/{event.id}"))


def test_question_on_agenda_item_and_bad_input(client, login_as, group):
    event = make_event(group)
    user = login_as("member", group)
    services.register(event, user)
    item = event.agenda[0]
    client.post(
        f"/events/{event.id}/questions", data={"body": "On it", "agenda_item_id": str(item.id)}
    )
    assert _db.session.scalars(select(Question)).one().agenda_item_id == item.id
    response = client.post(
        f"/events/{event.id}/questions", data={"body": "x" * 2001, "agenda_item_id": "999999"}
    )
    assert response.status_code == 400
    assert _db.session.scalars(select(Question)).all().__len__() == 1
    # Refused: the event page again, the question as typed in its box, the reason beside it.
    typed = "Will the template cover fine-tuned models? " * 3
    response = client.post(
        f"/events/{event.id}/questions", data={"body": typed, "agenda_item_id": "999999"}
    )
    assert response.status_code == 400
    html = page(response)
    assert f"{typed}</textarea>" in html
    assert "There is a problem" in html and 'href="#agenda_item_id"' in html
    assert _db.session.scalars(select(Question)).all().__len__() == 1


def test_support_counted_per_category_and_once(client, login_as, group):
    event = make_event(group)
    author = member(group)
    question = services.ask_question(event, author, "Will there be a template?", None)
    academic = factories.UserFactory(
        organisation=factories.OrganisationFactory(category=factories.category("academia"))
    )
    services.support_question(question, academic)
    user = login_as("stakeholder")
    assert client.post(f"/events/questions/{question.id}/support").status_code == 302
    assert client.post(f"/events/questions/{question.id}/support").status_code == 302
    assert question.support_count == 2
    body = page(client.get(f"/events/{event.id}"))
    assert "2 supporter(s): Academia 1, Industry 1" in body
    assert user is not None
    # The author cannot support their own question.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = author.get_id()
    assert client.post(f"/events/questions/{question.id}/support").status_code == 403


def test_chairs_sort_by_support(client, login_as, group):
    event = make_event(group)
    quiet = services.ask_question(event, member(group), "Quiet question", None)
    loud = services.ask_question(event, member(group), "Loud question", None)
    for _ in range(2):
        services.support_question(loud, factories.UserFactory())
    body = page(client.get(f"/events/{event.id}"))
    assert body.index("Loud question") < body.index("Quiet question")
    body = page(client.get(f"/events/{event.id}?order=time"))
    assert body.index("Quiet question") < body.index("Loud question")
    assert quiet.id < loud.id


@pytest.mark.parametrize("role", ["visitor", "stakeholder", "member", "moderator", "other_chair"])
def test_only_chairs_answer(client, login_as, group, role):
    event = make_event(group)
    question = services.ask_question(event, member(group), "Why?", None)
    login_as(role, group)
    url = f"/events/questions/{question.id}/manage"
    assert client.get(url).status_code in (302, 403)
    client.post(url, data={"answer-answer": "Because.", "answer-submit": "Save answer"})
    assert question.status == "open"


def test_chair_answers_merges_and_hides(client, login_as, group):
    event = make_event(group)
    first = services.ask_question(event, member(group), "Template?", None)
    dup = services.ask_question(event, member(group), "A template?", None)
    services.support_question(dup, factories.UserFactory())
    rude = services.ask_question(event, member(group), "Rude words", None)
    login_as("vice_chair", group)
    url = f"/events/questions/{first.id}/manage"
    response = client.post(url, data={"answer-answer": "", "answer-submit": "Save answer"})
    assert "Write an answer, or mark it answered in the meeting." in page(response)
    client.post(url, data={"answer-answer": "Yes, annexed.", "answer-submit": "Save answer"})
    assert first.status == "answered" and first.answer == "Yes, annexed."
    url = f"/events/questions/{dup.id}/manage"
    client.post(url, data={"merge-into": str(first.id), "merge-submit": "Merge"})
    assert dup.status == "merged" and dup.merged_into_id == first.id and first.support_count == 1
    bad = client.post(url, data={"merge-into": "999999", "merge-submit": "Merge"})
    assert bad.status_code == 200
    url = f"/events/questions/{rude.id}/manage"
    client.post(url, data={"hide-reason": "Insulting", "hide-submit": "Send"})
    body = page(client.get(f"/events/{event.id}"))
    assert "Hidden by the chairs: Insulting" in body and "Rude words" not in body
    assert "Answered in writing" in body and "Same as" in body
    actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {"question.answer", "question.merge", "question.hide"} <= actions


def test_anyone_signed_in_reports(client, login_as, group):
    event = make_event(group)
    question = services.ask_question(event, member(group), "Spam", None)
    login_as("stakeholder")
    url = f"/events/questions/{question.id}/report"
    assert client.post(url, data={"reason": "Spam"}).status_code == 302
    assert question.reported_count == 1
    login_as("visitor")
    assert client.get(url).status_code == 302
