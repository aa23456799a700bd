"""The moderation demo: every v1 comment answered with a rationale, v2's changes traced."""

from __future__ import annotations

from sqlalchemy import select

from consult.drafts.models import Section
from consult.moderation import demo
from consult.moderation.models import OUTCOMES, Change, ChangeComment, Disposition, Revision
from tests import factories
from tests.web.test_moderation_support import build_consultation, publish_next_version


def test_demo_answers_every_v1_comment_and_links_changes(db):
    c = build_consultation(comments=0)
    s1, s2, s3 = c.sections
    applied = factories.CommentFactory(
        section=s1, proposed_text="Signatories shall keep documentation current.",
        proposal_scope="provision",
    )  # fmt: skip
    others = [factories.CommentFactory(section=c.sections[i % 3]) for i in range(17)]
    v1_comments = [applied, *others]
    added_provision = factories.ProvisionFactory(document_id=c.document.id, key="c1-m4")
    v2 = publish_next_version(
        c,
        [
            {"provision": s1.provision, "number": "1.1", "heading": s1.heading,
             "body": "Signatories shall keep documentation current."},
            {"provision": s2.provision, "number": "1.2", "heading": s2.heading, "body": s2.body},
            {"provision": added_provision, "number": "1.4", "heading": "Incidents",
             "body": "Signatories shall report serious incidents."},
        ],
    )  # fmt: skip
    v2_sections = db.session.scalars(select(Section).where(Section.version_id == v2.id)).all()
    v2_comments = [factories.CommentFactory(section=v2_sections[i % 3]) for i in range(9)]
    context = {
        "versions": {"transparency": [c.version, v2]},
        "comments": {("transparency", 1): v1_comments, ("transparency", 2): v2_comments},
        "staff": {"chair-transparency-copyright": c.chair, "moderator-1": c.moderator},
    }
    demo.load(context)

    dispositions = {d.comment_id: d for d in db.session.scalars(select(Disposition)).all()}
    for comment in v1_comments:
        answer = dispositions[comment.id]
        assert answer.outcome in OUTCOMES and answer.rationale.strip()
        if answer.outcome == "duplicate":
            assert answer.duplicate_of_id in {x.id for x in v1_comments}
    assert {dispositions[x.id].outcome for x in v1_comments} >= {
        "accepted", "rejected", "noted", "out_of_scope", "duplicate",
    }  # fmt: skip
    revision = db.session.scalars(select(Revision)).one()
    assert (revision.base_version_id, revision.version_id, revision.status) == (
        c.version.id, v2.id, "published",
    )  # fmt: skip
    changed = set(db.session.scalars(select(Change.provision_id)).all())
    assert changed == {s1.provision_id, s3.provision_id, added_provision.id}
    links = db.session.execute(select(ChangeComment.comment_id, ChangeComment.applied)).all()
    assert (applied.id, True) in links
    assert dispositions[applied.id].outcome == "accepted"
    triaged = [dispositions[x.id] for x in v2_comments if x.id in dispositions]
    assert any(d.assignee_id for d in triaged) and any(d.outcome for d in triaged)
    assert any(d.outcome is None for d in triaged)
