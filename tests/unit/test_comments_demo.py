"""The comments demo on a small stand-in for the drafts demo: realistic and consistent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from consult.accounts.models import DEFAULT_CATEGORIES
from consult.comments import demo
from consult.comments.models import Comment, CommentReport, Endorsement
from consult.comments.text import passage_occurs
from consult.db import utcnow
from consult.drafts.models import Section
from consult.extensions import db as _db
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProvisionFactory,
    SectionFactory,
    UserFactory,
    VersionFactory,
    category,
)

BODY = (
    "Signatories shall draw up and keep up to date the technical documentation of the model, "
    "including its training and testing process and the results of its evaluation.\n\n"
    "1. The documentation shall be made available to the AI Office upon request.\n"
    "2. Signatories shall provide downstream providers with the information they need."
)


def _context():
    document = DocumentFactory(slug="transparency")
    group = document.group
    provisions = [ProvisionFactory(document_id=document.id) for _ in range(6)]
    versions = []
    for number in (1, 2):
        closed = number == 1
        version = VersionFactory(
            document=document,
            number=number,
            status="editing",
            opens_at=utcnow() - timedelta(days=60 if closed else 5),
            closes_at=utcnow() - timedelta(days=30) if closed else utcnow() + timedelta(days=20),
        )
        for position, provision in enumerate(provisions):
            if closed:
                SectionFactory(version=version, provision=provision, position=position, body=BODY)
            else:  # the provision and its URL key exist already
                _db.session.add(
                    Section(
                        version_id=version.id,
                        provision_id=provision.id,
                        position=position,
                        kind="measure",
                        number=f"1.{position}",
                        heading="Documentation",
                        body=BODY,
                    )
                )
        _db.session.flush()
        version.status = "published"
        _db.session.flush()
        versions.append(version)
    versions[0].status = "superseded"
    _db.session.flush()
    stakeholders = []
    for slug, _name, _position in DEFAULT_CATEGORIES:
        for _ in range(4):
            organisation = OrganisationFactory(category=category(slug))
            stakeholders.append(UserFactory(organisation=organisation))
    staff = {}
    for key, role in (
        ("chair-transparency-copyright", "chair"),
        ("vice-chair-transparency-copyright", "vice_chair"),
        ("moderator-1", "moderator"),
    ):
        staff[key] = UserFactory()
        MembershipFactory(user=staff[key], group=group, role=role)
    return {"versions": {"transparency": versions}, "stakeholders": stakeholders, "staff": staff}


def test_demo_comments(db, count_queries):
    context = _context()
    with count_queries() as q:
        demo.load(context)
    endorsement_inserts = [s for s in q.statements if s.startswith("INSERT INTO endorsements")]
    assert len(endorsement_inserts) == 1  # one executemany, not a round trip per row
    v1, v2 = context["versions"]["transparency"]
    on_v2 = db.session.scalars(select(Comment).where(Comment.version_id == v2.id)).all()
    on_v1 = db.session.scalars(select(Comment).where(Comment.version_id == v1.id)).all()
    assert 200 <= len(on_v2) <= 500
    assert len(on_v1) == 60 and all(c.parent_id is None for c in on_v1)
    assert {c.category_id for c in on_v2} == {category(s).id for s, _n, _p in DEFAULT_CATEGORIES}
    assert max(c.depth for c in on_v2) == 3
    assert sum(c.is_confidential for c in on_v2 if c.parent_id is None) == 1
    hidden = [c for c in on_v2 if c.state == "hidden"]
    assert len(hidden) == 1 and hidden[0].hidden_reason
    assert any(c.author_role in {"chair", "vice_chair", "moderator"} for c in on_v2)
    quoted = [c for c in on_v2 + on_v1 if c.quote]
    assert quoted and all(passage_occurs(c.quote, c.section) for c in quoted)
    passages = [c for c in quoted if c.proposal_scope == "passage"]
    assert passages and all(c.proposed_text != c.quote for c in passages)
    assert any(c.proposal_scope == "provision" for c in on_v1)
    by_id = {c.id: c for c in on_v2}
    for reply in (c for c in on_v2 if c.parent_id):
        parent = by_id[reply.parent_id]
        assert reply.depth == parent.depth + 1 and reply.created_at >= parent.created_at
        assert reply.is_confidential == parent.is_confidential
    endorsements = db.session.scalars(select(Endorsement)).all()
    assert len(endorsements) > 200
    assert all(by_id[e.comment_id].author_id != e.user_id for e in endorsements)
    assert db.session.scalar(select(func.count(CommentReport.id))) == 1
    assert {key for key in context["comments"]} == {("transparency", 1), ("transparency", 2)}
    assert all(c.parent_id is None for c in context["comments"][("transparency", 2)])
