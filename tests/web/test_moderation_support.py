"""Shared set-up for the moderation tests: a group, a document, a published version, comments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import g

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.drafts.models import Document, Section, Version
from consult.extensions import db
from consult.groups.models import WorkingGroup
from tests import factories

BODIES = [
    "Signatories shall document the model and keep the documentation up to date.",
    "Signatories shall publish a summary of the content used for training.",
    "Signatories shall assess systemic risks before placing the model on the market.",
]


@dataclass
class Consultation:
    group: WorkingGroup
    document: Document
    version: Version
    sections: list[Section]
    moderator: User
    chair: User
    comments: list[Comment] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.document.slug

    def url(self, suffix: str) -> str:
        return f"/docs/{self.document.slug}/v{self.version.number}/{suffix}"


def build_consultation(comments: int = 3, **comment_fields: Any) -> Consultation:
    """Version 1 of a public document with three measures, staff, and top-level comments."""
    group = factories.GroupFactory()
    document = factories.DocumentFactory(group=group)
    # Sections go into an editing version that is then published (published text is frozen).
    version = factories.VersionFactory(document=document, number=1, status="editing")
    sections = []
    for index, body in enumerate(BODIES, start=1):
        provision = factories.ProvisionFactory(document_id=document.id, key=f"c1-m{index}")
        sections.append(
            factories.SectionFactory(
                version=version,
                provision=provision,
                position=index - 1,
                number=f"1.{index}",
                heading=f"Measure heading {index}",
                body=body,
            )
        )
    version.status = "published"
    db.session.flush()
    moderator = factories.UserFactory(display_name="Mo Derator")
    factories.MembershipFactory(user=moderator, group=group, role="moderator")
    chair = factories.UserFactory(display_name="Cha Ir")
    factories.MembershipFactory(user=chair, group=group, role="chair")
    made = [
        factories.CommentFactory(section=sections[i % len(sections)], **comment_fields)
        for i in range(comments)
    ]
    db.session.flush()
    return Consultation(group, document, version, sections, moderator, chair, made)


def login(client: Any, user: User) -> None:
    # A refused request rolls back to the test's savepoint: commit the set-up first.
    db.session.commit()
    # Requests reuse the test's app context, so Flask-Login's cached user must be dropped.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def other_comment() -> Comment:
    """A top-level comment on another document's version."""
    return build_consultation(comments=1).comments[0]


def publish_next_version(c: Consultation, sections: list[dict[str, Any]]) -> Version:
    """Version 2 of the document with the given sections; version 1 becomes superseded."""
    v2 = factories.VersionFactory(document=c.document, number=2, status="editing")
    for position, fields in enumerate(sections):
        # Not the factory: the provision (and its URL key) already exists.
        values = {"kind": "measure", "heading": "", "body": "", **fields}
        db.session.add(Section(version=v2, position=position, **values))
    db.session.flush()
    v2.status = "published"
    c.version.status = "superseded"
    db.session.flush()
    return v2
