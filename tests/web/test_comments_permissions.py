"""Every comments URL, GET and POST, for every role (public and members-only documents)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from consult.comments.models import Comment, CommentReport, Endorsement
from consult.extensions import db as _db
from tests.conftest import ROLES
from tests.factories import CommentFactory, ReportFactory
from tests.web.test_comments_support import published_section, url_of

MODERATING = {"moderator", "vice_chair", "chair", "admin"}
SIGNED_IN = set(ROLES) - {"visitor"}
VERIFIED = SIGNED_IN - {"unverified"}
GROUP_READERS = {"observer", "member", "moderator", "vice_chair", "chair", "admin"}


@dataclass
class World:
    section: Any
    comment: Any
    report: Any

    @property
    def version(self) -> Any:
        return self.section.version


def build(visibility: str = "public") -> World:
    section = published_section(document__visibility=visibility)
    comment = CommentFactory(section=section, body="Somebody else's comment.")
    report = ReportFactory(comment=comment)
    return World(section, comment, report)


def _expect(role: str, allowed: set[str], ok: int, denied_anonymous: int = 302) -> int:
    if role in allowed:
        return ok
    return denied_anonymous if role == "visitor" else 403


def _count(model: Any, *where: Any) -> int:
    return _db.session.scalar(select(func.count(model.id)).where(*where)) or 0


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_on_public_document(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    version = world.version
    for url in (
        url_of(world.section),
        f"/comments/{world.comment.id}/reply",
        f"/docs/{version.document.slug}/v{version.number}/comments/overview",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/comments/{world.comment.id}").status_code == 302
    assert client.get("/me/comments").status_code == (302 if role == "visitor" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages_on_members_only_document(client, login_as, db, role):
    world = build("members")
    login_as(role, group=world.version.document.group)
    version = world.version
    # Signed out, a members-only link leads to sign-in (and back); signed in, outsiders get 404.
    expected = 200 if role in GROUP_READERS else 302 if role == "visitor" else 404
    for url in (
        url_of(world.section),
        f"/comments/{world.comment.id}/reply",
        f"/comments/{world.comment.id}/report",
        f"/docs/{version.document.slug}/v{version.number}/comments/overview",
    ):
        status = client.get(url).status_code
        assert status == expected, (url, status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", ["public", "members"])
def test_post_comment(client, login_as, db, role, visibility):
    world = build(visibility)
    login_as(role, group=world.version.document.group)
    response = client.post(url_of(world.section), data={"body": "Hello.", "kind": "general"})
    if visibility == "public":
        expected = {"visitor": 302, "unverified": 403}.get(role, 302)
    elif role in {"member", "moderator", "vice_chair", "chair", "admin"}:
        expected = 302
    elif role == "observer":
        expected = 403  # observers read but do not comment (group setting off)
    else:
        expected = 302 if role == "visitor" else 404  # signed out: sign in first
    assert response.status_code == expected
    created = _count(Comment, Comment.body == "Hello.")
    assert created == (1 if expected == 302 and role != "visitor" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_post_reply(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    response = client.post(f"/comments/{world.comment.id}/reply", data={"body": "Re."})
    assert response.status_code == (403 if role == "unverified" else 302)
    assert _count(Comment, Comment.parent_id == world.comment.id) == (
        0 if role in {"visitor", "unverified"} else 1
    )


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_delete_someone_elses_comment(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    cid = world.comment.id
    expected = 302 if role == "visitor" else 403
    assert client.get(f"/comments/{cid}/edit").status_code == expected
    assert client.post(f"/comments/{cid}/edit", data={"body": "Hijacked"}).status_code == expected
    assert client.get(f"/comments/{cid}/delete").status_code == expected
    assert client.post(f"/comments/{cid}/delete").status_code == expected
    assert world.comment.body == "Somebody else's comment." and world.comment.state == "visible"


@pytest.mark.parametrize("role", ROLES)
def test_edit_own_comment(client, login_as, db, role):
    world = build()
    user = login_as(role, group=world.version.document.group)
    if user is None:
        return  # visitors have no comments of their own
    mine = CommentFactory(section=world.section, author=user, body="Mine.")
    response = client.post(f"/comments/{mine.id}/edit", data={"body": "Mine, edited."})
    assert response.status_code == 302
    assert mine.body == "Mine, edited."


@pytest.mark.parametrize("role", ROLES)
def test_endorse(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    response = client.post(f"/comments/{world.comment.id}/endorse", data={"stance": "support"})
    assert response.status_code == _expect(role, VERIFIED, 302)
    assert _count(Endorsement) == (1 if role in VERIFIED else 0)


@pytest.mark.parametrize("role", ROLES)
def test_report(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    cid = world.comment.id
    # Unverified accounts may not report (issue 12): a throw-away account floods no queue.
    assert client.get(f"/comments/{cid}/report").status_code == _expect(role, VERIFIED, 200)
    response = client.post(f"/comments/{cid}/report", data={"reason": "spam"})
    assert response.status_code == _expect(role, VERIFIED, 302)
    assert _count(CommentReport) == (2 if role in VERIFIED else 1)


@pytest.mark.parametrize("role", ROLES)
def test_hide_and_unhide(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    cid = world.comment.id
    assert client.get(f"/comments/{cid}/hide").status_code == _expect(role, MODERATING, 200)
    response = client.post(f"/comments/{cid}/hide", data={"reason": "Rude."})
    assert response.status_code == _expect(role, MODERATING, 302)
    assert world.comment.state == ("hidden" if role in MODERATING else "visible")
    world.comment.state = "hidden"
    _db.session.flush()
    response = client.post(f"/comments/{cid}/unhide")
    assert response.status_code == _expect(role, MODERATING, 302)
    assert world.comment.state == ("visible" if role in MODERATING else "hidden")


@pytest.mark.parametrize("role", ROLES)
def test_reports_queue_and_decisions(client, login_as, db, role):
    world = build()
    login_as(role, group=world.version.document.group)
    version = world.version
    queue = f"/docs/{version.document.slug}/v{version.number}/reports"
    assert client.get(queue).status_code == _expect(role, MODERATING, 200)
    rid = world.report.id
    assert client.get(f"/reports/{rid}/uphold").status_code == _expect(role, MODERATING, 200)
    response = client.post(f"/reports/{rid}/dismiss")
    assert response.status_code == _expect(role, MODERATING, 302)
    assert world.report.status == ("dismissed" if role in MODERATING else "open")
    second = ReportFactory(comment=world.comment)
    response = client.post(f"/reports/{second.id}/uphold", data={"reason": "Spam."})
    assert response.status_code == _expect(role, MODERATING, 302)
    assert world.comment.state == ("hidden" if role in MODERATING else "visible")


def test_other_groups_chair_cannot_moderate(client, login_as, db):
    world = build()
    login_as("other_chair")
    assert (
        client.post(f"/comments/{world.comment.id}/hide", data={"reason": "x"}).status_code == 403
    )
    version = world.version
    assert client.get(f"/docs/{version.document.slug}/v{version.number}/reports").status_code == 403
