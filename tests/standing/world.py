"""A small demo-like dataset built once per module, and requests rolled back one by one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import Connection

from consult.extensions import db as _db
from consult.moderation import revisions
from tests import factories
from tests.conftest import _ConnectionSession

# The people of the matrix: one column each, left to right.
ROLES = (
    "anonymous",
    "unverified",
    "stakeholder",
    "member",
    "observer",
    "other_moderator",
    "moderator",
    "chair",
    "admin",
)


@dataclass
class World:
    """Ids and slugs only: ORM objects do not outlive the per-request rollbacks."""

    users: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    editing: dict[str, Any] = field(default_factory=dict)
    members: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    """A group with a consulted public document (comments, a reply, a report, a pending request,
    an open revision) and a second document still in its first draft."""
    world = World()
    group = factories.GroupFactory(slug="matrix-group", name="Matrix working group")
    other = factories.GroupFactory(slug="other-group", name="Another group")
    document = factories.DocumentFactory(group=group, slug="matrix-doc")
    version = factories.VersionFactory(document=document, number=1, status="editing")
    sections = [
        factories.SectionFactory(
            version=version,
            provision=factories.ProvisionFactory(document_id=document.id, key=f"c1-m{n}"),
            position=n,
            number=f"1.{n}",
        )
        for n in (1, 2)
    ]
    version.status = "published"
    _db.session.flush()
    people: dict[str, Any] = {
        "unverified": factories.UserFactory(email_verified_at=None),
        "stakeholder": factories.UserFactory(),
        "admin": factories.UserFactory(is_admin=True),
    }
    for role in ("member", "observer", "moderator", "chair"):
        people[role] = factories.UserFactory()
        factories.MembershipFactory(user=people[role], group=group, role=role)
    people["other_moderator"] = factories.UserFactory()
    factories.MembershipFactory(user=people["other_moderator"], group=other, role="moderator")
    author = factories.UserFactory(display_name="Comment Author")
    comment = factories.CommentFactory(section=sections[0], author=author)
    factories.CommentFactory(section=sections[0], parent_id=comment.id, root_id=comment.id)
    report = factories.ReportFactory(comment=comment)
    request = factories.MembershipFactory(
        group=group, role="member", status="requested", decided_at=None, statement="Let me in."
    )
    revision = revisions.open_revision(version, user=people["chair"])
    revision_section = revisions.drafts.sections_of(revision.version)[0]
    draft = factories.DocumentFactory(group=group, slug="matrix-draft")
    draft_version = factories.VersionFactory(document=draft, number=1, status="editing")
    draft_section = factories.SectionFactory(
        version=draft_version,
        provision=factories.ProvisionFactory(document_id=draft.id, key="c1-m1"),
    )
    # An upcoming members' meeting of the group (events) with one question on it.
    from datetime import timedelta

    from consult.db import utcnow
    from consult.events import services as event_services
    from consult.events.models import Question

    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    event = event_services.create_event(
        group, people["chair"], [("Opening", None)], title="Matrix meeting", kind="meeting",
        starts_at=start, ends_at=start + timedelta(hours=2), online_url="https://meet.example/m",
        access="members", capacity=None,
    )  # fmt: skip
    question = Question(event_id=event.id, author_id=people["chair"].id, body="Why?")
    _db.session.add(question)
    # A report on that question (moderators' queue) and an updates subscriber (issue 19).
    from consult.events.models import QuestionReport
    from consult.groups.update_models import UpdateSubscriber

    _db.session.flush()
    question_report = QuestionReport(
        question_id=question.id, reporter_id=people["stakeholder"].id, reason="Spam"
    )
    subscriber = UpdateSubscriber(
        email="matrix-subscriber@example.org", token="matrix-subscriber-secret",
        status="confirmed", site_wide=True,
    )  # fmt: skip
    _db.session.add_all([question_report, subscriber])
    # A draft in the stakeholder's organisation workspace (issue 17): its members only.
    from consult.comments.workspace import create_draft

    org_draft = create_draft(
        people["stakeholder"].organisation, sections[0], user=people["stakeholder"], body="Ours."
    )
    _db.session.commit()
    world.users = {role: user.get_id() for role, user in people.items()}
    world.params = {
        "slug": document.slug,
        "number": 1,
        "a": 1,
        "b": 2,
        "key": "c1-m1",
        "comment_id": comment.id,
        "report_id": report.id,
        "membership_id": request.id,
        "revision_id": revision.id,
        "section_id": revision_section.id,
        "organisation_id": people["stakeholder"].organisation_id,
        "user_id": author.id,
        "category_id": factories.category("academia").id,
        "token": "not-a-valid-token",
        "filename": "css/consult.css",
        # Routes added by later work; an id nothing has yet answers 404 to everyone alike.
        "tie_id": people["stakeholder"].organisation_tie.id,
        "decision": "confirm",
        "change": "add",
        "action": "dispose",
        "group_id": 2_000_000,
        "domain_id": 2_000_000,
        "request_id": 2_000_000,
        "token_id": 2_000_000,
        "other": 1,
        "table": "comments",
        "event_id": event.id,
        "question_id": question.id,
        "question_report_id": question_report.id,
        "secret": subscriber.token,
        "adoption_id": 2_000_000,
        "round_id": 2_000_000,
        "signature_id": 2_000_000,
        "commitment_id": 2_000_000,
        "pledge_id": 2_000_000,
        "document_id": 2_000_000,
        "fmt": "csv",
        "attachment_id": 2_000_000,
        "draft_id": org_draft.id,
    }
    world.params["group_slug"] = group.slug
    hidden = factories.DocumentFactory(group=group, slug="matrix-members", visibility="members")
    hidden_version = factories.VersionFactory(document=hidden, number=1, status="editing")
    factories.SectionFactory(
        version=hidden_version,
        provision=factories.ProvisionFactory(document_id=hidden.id, key="c1-m1"),
    )
    hidden_version.status = "published"
    _db.session.commit()
    world.members = {"slug": hidden.slug, "number": 1, "a": 1, "b": 1}
    world.editing = {"slug": draft.slug, "number": 1, "section_id": draft_section.id}
    return world


@contextmanager
def module_database(app: Flask) -> Iterator[Connection]:
    """Like the `db` fixture, but for a whole module: everything is rolled back at the end."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _ConnectionSession,
            }
        )
        try:
            yield connection
        finally:
            # Restore the app's session first, whatever state a failed request left behind, so
            # the modules that follow never inherit a session bound to this connection.
            scoped, _db.session = _db.session, original
            try:
                scoped.remove()
                outer.rollback()
            finally:
                connection.close()


@contextmanager
def rolled_back(connection: Connection) -> Iterator[None]:
    """Whatever a request writes is undone afterwards, so every request sees the same world."""
    _db.session.remove()  # a session left open would hold a savepoint below ours
    nested = connection.begin_nested()
    try:
        yield
    finally:
        _db.session.remove()
        if nested.is_active:
            nested.rollback()


def sign_in(client: FlaskClient, user_id: str | None) -> None:
    # Requests reuse the module's app context: Flask-Login's cached user must be dropped.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        if user_id is not None:
            session["_user_id"] = user_id
            session["_fresh"] = True
