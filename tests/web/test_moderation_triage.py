"""Triage queue: filters, sorting, pagination, bulk actions, bounded queries."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from consult.db import utcnow
from consult.moderation.models import Disposition
from tests import factories
from tests.web.test_moderation_support import build_consultation, login, other_comment


def _ids_on(page: str, ids: list[int]) -> set[int]:
    return {i for i in ids if f'id="comment-{i}"' in page}


def test_queue_lists_every_top_level_comment_with_confidential_marked(client, db):
    c = build_consultation(comments=2)
    secret = factories.CommentFactory(section=c.sections[1], is_confidential=True)
    reply = factories.CommentFactory(
        section=c.sections[0], parent_id=c.comments[0].id, root_id=c.comments[0].id, depth=1
    )
    deleted = factories.CommentFactory(section=c.sections[0], state="deleted")
    login(client, c.moderator)
    page = client.get(c.url("triage")).get_data(as_text=True)
    ids = [*(x.id for x in c.comments), secret.id, reply.id, deleted.id]
    assert _ids_on(page, ids) == {c.comments[0].id, c.comments[1].id, secret.id}
    assert "Confidential" in page
    assert "3 top-level comments" in page.replace("<strong>", "").replace("</strong>", "")


def test_filters_each_narrow_the_queue(client, db):
    c = build_consultation(comments=0)
    sme = factories.OrganisationFactory(category=factories.category("sme"))
    plain = factories.CommentFactory(section=c.sections[0])
    technical = factories.CommentFactory(section=c.sections[1], kind="technical")
    proposal = factories.CommentFactory(
        section=c.sections[2], proposed_text="New text.", proposal_scope="provision"
    )
    from_sme = factories.CommentFactory(
        section=c.sections[0], author=factories.UserFactory(organisation=sme)
    )
    reported = factories.CommentFactory(section=c.sections[1])
    factories.ReportFactory(comment=reported)
    decided = factories.CommentFactory(section=c.sections[2])
    factories.DispositionFactory(comment=decided, outcome="rejected")
    mine = factories.CommentFactory(section=c.sections[2])
    db.session.add(Disposition(comment_id=mine.id, assignee_id=c.moderator.id))
    db.session.flush()
    everything = [plain, technical, proposal, from_sme, reported, decided, mine]
    ids = [x.id for x in everything]
    login(client, c.moderator)

    def shown(query: str) -> set[int]:
        return _ids_on(client.get(c.url(f"triage?{query}")).get_data(as_text=True), ids)

    assert shown("") == set(ids)
    assert shown(f"provision={c.sections[1].provision_id}") == {technical.id, reported.id}
    assert shown(f"category={factories.category('sme').id}") == {from_sme.id}
    assert shown("kind=technical") == {technical.id}
    assert shown("proposal=yes") == {proposal.id}
    assert proposal.id not in shown("proposal=no")
    assert shown("status=decided") == {decided.id}
    assert shown("status=rejected") == {decided.id}
    assert decided.id not in shown("status=undecided")
    assert mine.id in shown("status=undecided")
    assert shown("reported=y") == {reported.id}
    assert shown("assignee=mine") == {mine.id}
    assert mine.id not in shown("assignee=unassigned")


def test_sorting(client, db):
    c = build_consultation(comments=0)
    now = utcnow()
    old = factories.CommentFactory(section=c.sections[2], created_at=now - timedelta(days=3))
    new = factories.CommentFactory(section=c.sections[0], created_at=now - timedelta(days=1))
    mid = factories.CommentFactory(section=c.sections[1], created_at=now - timedelta(days=2))
    for _ in range(3):
        factories.EndorsementFactory(comment=mid)
    factories.EndorsementFactory(comment=old)
    login(client, c.moderator)

    def order(sort: str) -> list[int]:
        page = client.get(c.url(f"triage?sort={sort}")).get_data(as_text=True)
        return sorted([old.id, new.id, mid.id], key=lambda i: page.index(f'id="comment-{i}"'))

    assert order("newest") == [new.id, mid.id, old.id]
    assert order("oldest") == [old.id, mid.id, new.id]
    assert order("provision") == [new.id, mid.id, old.id]
    assert order("endorsed") == [mid.id, old.id, new.id]


def test_pagination_keeps_filters(client, db, app):
    c = build_consultation(comments=0)
    for _ in range(app.config["PAGE_SIZE"] + 5):
        factories.CommentFactory(section=c.sections[0], kind="editorial")
    login(client, c.moderator)
    page = client.get(c.url("triage?kind=editorial")).get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert "kind=editorial" in page and "page=2" in page
    second = client.get(c.url("triage?kind=editorial&page=2")).get_data(as_text=True)
    assert second.count('class="consult-comment consult-triage-item"') == 5


def test_bulk_disposition_for_selected_comments(client, db):
    c = build_consultation(comments=3)
    a, b, untouched = c.comments
    login(client, c.moderator)
    response = client.post(
        c.url("triage?sort=oldest"),
        data={
            "comment_ids": [a.id, b.id],
            "action": "dispose",
            "outcome": "noted",
            "rationale": "Noted for the next round.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("triage?sort=oldest")
    got = {d.comment_id: d.outcome for d in db.session.scalars(select(Disposition)).all()}
    assert got == {a.id: "noted", b.id: "noted"}
    assert untouched.id not in got


def test_bulk_disposition_needs_rationale_and_keeps_the_selection(client, db):
    c = build_consultation(comments=2)
    login(client, c.moderator)
    response = client.post(
        c.url("triage"),
        data={"comment_ids": [c.comments[0].id], "action": "dispose", "outcome": "rejected"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "a rationale is required" in page
    assert f'value="{c.comments[0].id}" id="select-{c.comments[0].id}" checked' in page
    assert db.session.scalars(select(Disposition)).first() is None


def test_bulk_nothing_selected(client, db):
    c = build_consultation(comments=1)
    login(client, c.moderator)
    response = client.post(c.url("triage"), data={"action": "assign", "assignee": ""})
    assert response.status_code == 400
    assert "Select at least one comment." in response.get_data(as_text=True)


def test_bulk_mark_duplicates_of_a_comment(client, db):
    c = build_consultation(comments=3)
    original, a, b = c.comments
    login(client, c.moderator)
    response = client.post(
        c.url("triage"),
        data={"comment_ids": [a.id, b.id], "action": "duplicate", "duplicate_of": original.id},
    )
    assert response.status_code == 302
    rows = db.session.scalars(select(Disposition).order_by(Disposition.comment_id)).all()
    assert [(d.comment_id, d.outcome, d.duplicate_of_id) for d in rows] == [
        (a.id, "duplicate", original.id),
        (b.id, "duplicate", original.id),
    ]
    # The original itself cannot be among the duplicates; nothing is saved then.
    response = client.post(
        c.url("triage"),
        data={
            "comment_ids": [original.id, a.id],
            "action": "duplicate",
            "duplicate_of": original.id,
        },
    )
    assert response.status_code == 400
    assert "is selected and is also the original" in response.get_data(as_text=True)


def test_bulk_assign_to_a_moderator_and_back(client, db):
    c = build_consultation(comments=2)
    login(client, c.chair)
    ids = [x.id for x in c.comments]
    response = client.post(
        c.url("triage"), data={"comment_ids": ids, "action": "assign", "assignee": c.moderator.id}
    )
    assert response.status_code == 302
    assigned = db.session.scalars(select(Disposition.assignee_id)).all()
    assert assigned == [c.moderator.id, c.moderator.id]
    login(client, c.moderator)
    page = client.get(c.url("triage?assignee=mine")).get_data(as_text=True)
    assert _ids_on(page, ids) == set(ids)
    client.post(c.url("triage"), data={"comment_ids": ids, "action": "assign", "assignee": ""})
    assert db.session.scalars(select(Disposition.assignee_id)).all() == [None, None]


def test_bulk_ignores_comments_of_other_versions(client, db):
    c = build_consultation(comments=1)
    elsewhere = other_comment()
    login(client, c.moderator)
    response = client.post(
        c.url("triage"),
        data={"comment_ids": [elsewhere.id], "action": "dispose", "outcome": "noted",
              "rationale": "x"},
    )  # fmt: skip
    assert response.status_code == 400
    assert db.session.scalars(select(Disposition)).first() is None


def _populate(c, count: int) -> None:
    for i in range(count):
        comment = factories.CommentFactory(
            section=c.sections[i % 3],
            proposed_text="Text" if i % 2 else "",
            is_confidential=i % 5 == 0,
        )
        factories.EndorsementFactory(comment=comment)
        if i % 3 == 0:
            factories.DispositionFactory(comment=comment, assignee_id=c.moderator.id)
        if i % 4 == 0:
            factories.ReportFactory(comment=comment)


def test_triage_query_count_does_not_grow_with_comments(client, db, count_queries):
    small = build_consultation(comments=0)
    _populate(small, 10)
    large = build_consultation(comments=0)
    _populate(large, 60)
    login(client, small.moderator)
    client.get(small.url("triage"))  # warm caches (templates, categories)
    with count_queries() as q_small:
        assert client.get(small.url("triage?sort=endorsed")).status_code == 200
    login(client, large.moderator)
    client.get(large.url("triage"))
    with count_queries() as q_large:
        assert client.get(large.url("triage?sort=endorsed")).status_code == 200
    assert q_large.count == q_small.count, "\n".join(q_large.statements)
