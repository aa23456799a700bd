"""The benchmark generator: small scale on the test database, every constraint and shape."""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bench.generate import (
    EMAIL_DOMAIN,
    SCALES,
    THREAD_KEY,
    GenerateError,
    Summary,
    generate,
)
from consult.accounts.models import Organisation, OrganisationMembership, User
from consult.comments.models import Comment, Endorsement
from consult.drafts.models import Document, Provision, ProvisionKey, Section, Version
from consult.groups.models import Membership
from consult.moderation.models import (
    Change,
    ChangeComment,
    Disposition,
    DispositionRecord,
    Revision,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
SMALL = SCALES["small"]


@pytest.fixture
def small(db: Any) -> Summary:
    return generate("small", seed=7, now=NOW)


def _count(db: Any, model: Any, *where: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)))


def _hot_version(db: Any, summary: Summary) -> Version:
    return db.session.scalars(
        select(Version)
        .join(Document)
        .where(Document.slug == summary.hot_document, Version.number == summary.hot_version)
    ).one()


def test_counts_match_the_scale(db: Any, small: Summary) -> None:
    assert _count(db, User, User.email.like(f"%@{EMAIL_DOMAIN}")) == SMALL.users
    assert _count(db, Organisation) == SMALL.organisations
    assert _count(db, Document) == 3
    assert _count(db, Version) == 15
    assert _count(db, Comment) == SMALL.comments
    replies = _count(db, Comment, Comment.parent_id.is_not(None))
    assert abs(replies - SMALL.comments / 3) <= 16  # a third of each of the 16 buckets
    assert _count(db, Endorsement) == SMALL.endorsements
    assert _count(db, Disposition) == SMALL.dispositions
    assert _count(db, DispositionRecord) >= SMALL.dispositions
    assert small.counts["comments"] == SMALL.comments
    # Every category of stakeholder is represented.
    categories = db.session.scalars(select(Organisation.category_id).distinct()).all()
    assert len(categories) == 5


def test_members_speak_for_their_organisation_through_confirmed_ties(
    db: Any, small: Summary
) -> None:
    from consult.accounts.affiliation import speaking_for

    members = db.session.scalars(select(User).where(User.organisation_id.is_not(None))).all()
    assert members
    for user in members:
        assert speaking_for(user).organisation == user.organisation
    representatives = db.session.scalars(
        select(OrganisationMembership.organisation_id).where(
            OrganisationMembership.is_representative
        )
    ).all()
    organisations = db.session.scalar(select(func.count()).select_from(Organisation))
    assert len(representatives) == len(set(representatives)) == organisations


def test_versions_windows_and_sections(db: Any, small: Summary) -> None:
    for document in db.session.scalars(select(Document)):
        versions = db.session.scalars(
            select(Version).where(Version.document_id == document.id).order_by(Version.number)
        ).all()
        assert [v.status for v in versions] == ["superseded"] * 4 + ["published"]
        assert [v.window_state(NOW) for v in versions] == ["closed"] * 4 + ["open"]
        assert all(b.based_on_id == a.id for a, b in itertools.pairwise(versions))
        provisions: list[set[int]] = []
        for version in versions:
            sections = db.session.scalars(
                select(Section).where(Section.version_id == version.id).order_by(Section.position)
            ).all()
            assert abs(len(sections) - SMALL.provisions) <= SMALL.provisions // 5
            assert [s.position for s in sections] == list(range(len(sections)))
            by_id = {s.id: s for s in sections}
            for section in sections:
                assert section.provision.document_id == document.id
                if section.parent_id is not None:  # the parent is in the same version, before
                    assert by_id[section.parent_id].position < section.position
            provisions.append({s.provision_id for s in sections})
        # Each version keeps most provisions (same ids) and changes some (added/removed).
        for old, new in itertools.pairwise(provisions):
            assert len(old & new) >= 0.8 * len(old)
            assert new - old and old - new


def test_renumbered_provisions_keep_their_old_keys(db: Any, small: Summary) -> None:
    keys = Counter(db.session.scalars(select(ProvisionKey.provision_id)).all())
    assert any(n >= 2 for n in keys.values())
    current = db.session.execute(select(Provision.id, Provision.key, Provision.document_id)).all()
    for pid, key, document_id in current:
        assert (
            db.session.scalar(
                select(ProvisionKey.provision_id).where(
                    ProvisionKey.document_id == document_id, ProvisionKey.key == key
                )
            )
            == pid
        )


def test_comment_threads_are_consistent(db: Any, small: Summary) -> None:
    comments = {c.id: c for c in db.session.scalars(select(Comment))}
    sections = {s.id: s for s in db.session.scalars(select(Section))}
    depths = Counter()
    for comment in comments.values():
        depths[comment.depth] += 1
        section = sections[comment.section_id]
        assert (comment.version_id, comment.provision_id) == (
            section.version_id,
            section.provision_id,
        )
        if comment.parent_id is None:
            assert comment.depth == 0 and comment.root_id is None
            continue
        parent = comment.parent_id and comments[comment.parent_id]
        assert parent.section_id == comment.section_id
        assert comment.depth == parent.depth + 1 <= 4
        assert comment.root_id == (parent.root_id or parent.id)
        assert comment.created_at >= parent.created_at
    assert max(depths) <= 4 and depths[1] > 0 and depths[2] > 0


def test_comment_snapshots_match_their_authors(db: Any, small: Summary) -> None:
    rows = db.session.execute(
        select(Comment, User, Organisation)
        .join(User, Comment.author_id == User.id)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
    ).all()
    for comment, user, organisation in rows:
        if comment.author_role:  # staff answering in the thread
            assert comment.depth > 0
            continue
        if organisation is None:
            assert comment.organisation_id is None
            assert comment.category_id == user.independent_category_id
        else:
            assert comment.organisation_name == organisation.name
            assert comment.category_id == organisation.category_id


def test_the_big_thread_and_the_open_consultation(db: Any, small: Summary) -> None:
    hot = _hot_version(db, small)
    thread = db.session.scalar(
        select(func.count())
        .select_from(Comment)
        .join(Provision, Comment.provision_id == Provision.id)
        .where(Comment.version_id == hot.id, Provision.key == THREAD_KEY)
    )
    assert thread == SMALL.thread == small.thread_comments
    assert _count(db, Comment, Comment.version_id == hot.id) == round(SMALL.comments * 0.9)
    assert small.urls()["thread"] == f"/docs/{small.hot_document}/v5/{THREAD_KEY}/"


def test_endorsements_dispositions_and_revisions(db: Any, small: Summary) -> None:
    pairs = db.session.execute(
        select(Endorsement.comment_id, Endorsement.user_id, Comment.author_id).join(Comment)
    ).all()
    assert len({(c, u) for c, u, _a in pairs}) == len(pairs)
    assert all(user != author for _c, user, author in pairs)
    dispositions = db.session.execute(select(Disposition, Comment).join(Disposition.comment)).all()
    for disposition, comment in dispositions:
        assert comment.parent_id is None and comment.state == "visible"
        last = db.session.scalars(
            select(DispositionRecord)
            .where(DispositionRecord.comment_id == comment.id)
            .order_by(DispositionRecord.decided_at.desc())
        ).first()
        assert last is not None and last.outcome == disposition.outcome
        if disposition.outcome == "duplicate":
            original = db.session.get(Comment, disposition.duplicate_of_id)
            assert original.version_id == comment.version_id and original.id < comment.id
    hot = _hot_version(db, small)
    revision = db.session.scalars(select(Revision).where(Revision.version_id == hot.id)).one()
    assert revision.base_version.number == hot.number - 1
    assert _count(db, Change, Change.revision_id == revision.id) > 0
    linked = db.session.execute(
        select(Comment.version_id)
        .join(ChangeComment, ChangeComment.comment_id == Comment.id)
        .join(Change, Change.id == ChangeComment.change_id)
        .where(Change.revision_id == revision.id)
    ).scalars()
    assert set(linked) <= {revision.base_version_id}


def test_memberships_give_every_group_its_staff(db: Any, small: Summary) -> None:
    roles = db.session.execute(
        select(Membership.group_id, Membership.role).where(Membership.status == "approved")
    ).all()
    per_group: dict[int, set[str]] = {}
    for group_id, role in roles:
        per_group.setdefault(group_id, set()).add(role)
    assert len(per_group) == 4
    assert all({"chair", "vice_chair", "moderator"} <= found for found in per_group.values())


def test_foreign_keys_hold_and_new_rows_get_fresh_ids(db: Any, small: Summary) -> None:
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []
    # PostgreSQL's sequences were moved past the generated keys: an ordinary insert works.
    highest = db.session.scalar(select(func.max(User.id)))
    user = User(email="after-bench@example.org", display_name="After", password_hash="x")
    db.session.add(user)
    db.session.flush()
    assert user.id > highest


def test_the_event_pages_have_a_plenary_at_scale(db: Any, small: Summary) -> None:
    from consult.events.models import Question, QuestionSupport, Registration

    event = small.hot_event
    assert small.urls()["event"] == f"/events/{event}"
    registered = db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event)
    )
    assert registered >= 20  # most stakeholders at any scale (a third of the users, at least 50)
    # Each question's support counter agrees with its support rows.
    counted = dict(
        db.session.execute(
            select(QuestionSupport.question_id, func.count(QuestionSupport.id)).group_by(
                QuestionSupport.question_id
            )
        ).all()
    )
    for qid, support in db.session.execute(
        select(Question.id, Question.support_count).where(Question.event_id == event)
    ):
        assert counted.get(qid, 0) == support


def test_refuses_to_generate_twice(db: Any, small: Summary) -> None:
    with pytest.raises(GenerateError):
        generate("small", seed=7, now=NOW)


def _digest(db: Any) -> str:
    rows = db.session.execute(
        select(Comment.id, Comment.parent_id, Comment.author_id, Comment.body).order_by(Comment.id)
    ).all()
    rows += db.session.execute(
        select(Section.id, Section.provision_id, Section.number, Section.body).order_by(Section.id)
    ).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_seed_same_data(db: Any) -> None:
    digests = []
    for seed in (7, 7, 8):
        savepoint = db.session.begin_nested()
        generate("small", seed=seed, now=NOW)
        digests.append(_digest(db))
        savepoint.rollback()
    assert digests[0] == digests[1] != digests[2]


def test_comments_override_scales_the_rest(db: Any) -> None:
    summary = generate("small", seed=3, now=NOW, comments=300)
    assert _count(db, Comment) == 300
    assert _count(db, Endorsement) == 600
    assert _count(db, Disposition) == 120
    assert summary.thread_comments == 20


def test_unknown_scale() -> None:
    with pytest.raises(GenerateError):
        generate("huge")
