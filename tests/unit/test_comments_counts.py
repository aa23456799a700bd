"""Comment counters: always equal to a recount, whatever happens to a comment."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from consult.comments import counts, moderating, queries, services
from consult.comments.models import CommentCount
from tests.factories import CommentFactory, OrganisationFactory, UserFactory, category
from tests.web.test_comments_support import published_sections

Key = tuple[int, int, int | None, bool]


@pytest.fixture
def ctx(app, db):
    with app.test_request_context():
        yield


def stored(db: Any) -> dict[Key, tuple[int, int]]:
    """The counters, summed per (version, section, category), without empty pairs."""
    rows = db.session.execute(
        select(
            CommentCount.version_id,
            CommentCount.section_id,
            CommentCount.category_id,
            CommentCount.is_staff,
            func.sum(CommentCount.public_count),
            func.sum(CommentCount.all_count),
        ).group_by(
            CommentCount.version_id,
            CommentCount.section_id,
            CommentCount.category_id,
            CommentCount.is_staff,
        )
    )
    return {(v, s, c, bool(t)): (int(p), int(a)) for v, s, c, t, p, a in rows if p or a}


def recounted(db: Any) -> dict[Key, tuple[int, int]]:
    return {
        (v, s, c, bool(t)): (int(p), int(a))
        for v, s, c, t, p, a in db.session.execute(counts.recount_statement())
    }


def user_of(slug: str) -> Any:
    return UserFactory(organisation=OrganisationFactory(category=category(slug)))


def test_counters_equal_a_recount_after_every_operation(ctx, db):
    first, second = published_sections(2)
    industry, academia, moderator = user_of("industry"), user_of("academia"), UserFactory()
    steps: list[tuple[str, Any]] = []

    def check(step: str, expected: dict[Key, tuple[int, int]] | None = None) -> None:
        db.session.flush()
        steps.append((step, stored(db)))
        assert stored(db) == recounted(db), step
        if expected is not None:
            assert stored(db) == expected, step

    version = first.version_id
    public = services.create_comment(first, user=industry, body="Public.")
    check("public comment", {(version, first.id, category("industry").id, False): (1, 1)})
    secret = services.create_comment(second, user=academia, body="Secret.", confidential=True)
    check("confidential comment")
    services.create_reply(secret, user=academia, body="The author adds to a confidential thread.")
    check("reply inherits confidentiality")
    reply = services.create_reply(public, user=academia, body="Public reply.")
    check("public reply")
    moderating.hide_comment(public, moderator=moderator, reason="Off-topic.")
    check("hidden")
    moderating.unhide_comment(public, moderator=moderator)
    check("unhidden")
    services.delete_comment(reply, user=academia)
    check("deleted by its author")
    secret.is_confidential = False
    check("made public")
    public.is_confidential = True
    check("made confidential")
    # The old value was never loaded: active history still gives the counters the right delta.
    db.session.expire(secret)
    secret.state = "hidden"
    check("hidden after expiry")
    CommentFactory(section=first, category_id=None)
    check("comment without a category")
    moved = CommentFactory(section=first, author=industry)
    check("factory comment")
    moved.section_id, moved.category_id = second.id, category("academia").id
    check("moved to another section and category")

    staff = CommentFactory(section=first, author=industry, author_role="moderator")
    check("a moderator's comment: counted apart, without a category")
    staff.author_role = None
    check("no longer staff")
    staff.author_role = "chair"
    check("staff again")

    assert stored(db) == {
        (version, first.id, category("industry").id, False): (0, 1),
        (version, first.id, None, False): (1, 1),
        (version, first.id, None, True): (1, 1),
        (version, second.id, category("academia").id, False): (1, 2),
    }
    assert len(steps) == 16


def test_pages_read_the_counters(ctx, db):
    (section,) = published_sections(1)
    author = user_of("academia")
    services.create_comment(section, user=author, body="One.")
    services.create_comment(section, user=author, body="Two.", confidential=True)
    academia = category("academia").id
    assert services.counts_by_category(section.version) == {section.id: {academia: 1}}
    assert services.counts_by_category(section.version, public_only=False) == {
        section.id: {academia: 2}
    }
    assert queries.section_counts(section) == {academia: 1}
    assert queries.confidential_count(section.version) == 1


def test_recount_rebuilds_wrong_counters(app, ctx, db):
    first, second = published_sections(2)
    for section in (first, second, second):
        services.create_comment(section, user=user_of("open-source"), body="A comment.")
    db.session.flush()
    before = stored(db)
    db.session.execute(update(CommentCount).values(all_count=99, public_count=42))
    db.session.add(CommentCount(version_id=first.version_id, section_id=first.id, all_count=5))
    db.session.flush()
    assert stored(db) != before

    result = app.test_cli_runner().invoke(args=["consult", "recount"])

    assert result.exit_code == 0, result.output
    assert "comment counters rebuilt" in result.output
    assert stored(db) == before == recounted(db)
