"""The soak's verdict on the comment counters (bench/soak.py), checked on counters the app kept.

Its first full run reported counters disagreeing with the comments. They did not: the check
keyed a recount row by (version, section, category) and kept (staff, public, all) as its value,
while a counter row gave (public, all), so every non-empty cell compared unequal (the report
showed the first five). Counting staff apart (issue 11) had added the staff column to the
recount after the soak was written. A cell is (version, section, category, staff), and a cell's
counter rows are summed, as the app reads them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from bench.soak import counter_mismatches
from consult.comments.counts import recount_statement
from consult.comments.models import CommentCount
from tests.factories import CommentFactory, OrganisationFactory, UserFactory, category
from tests.web.test_comments_support import published_sections


def _mismatches(db: Any) -> list[str]:
    return counter_mismatches(
        db.session.execute(recount_statement()).all(),
        db.session.execute(select(CommentCount.__table__)).all(),
    )


def test_counters_the_app_kept_agree_staff_and_confidential_included(app: Any, db: Any):
    (section,) = published_sections(1)
    author = UserFactory(organisation=OrganisationFactory(category=category("industry")))
    CommentFactory(section=section, author=author)
    CommentFactory(section=section, author=author, is_confidential=True)
    CommentFactory(section=section, author=UserFactory(), author_role="moderator")
    db.session.flush()
    assert len(db.session.execute(recount_statement()).all()) == 2  # stakeholders, staff
    assert _mismatches(db) == []


def test_two_counter_rows_of_one_cell_are_summed(app: Any, db: Any):
    (section,) = published_sections(1)
    author = UserFactory(organisation=OrganisationFactory(category=category("academia")))
    CommentFactory(section=section, author=author)
    CommentFactory(section=section, author=author)
    db.session.flush()
    row = db.session.scalars(select(CommentCount)).one()
    # What two first comments committed at once leave: the cell's count in two rows.
    db.session.execute(
        update(CommentCount).where(CommentCount.id == row.id).values(public_count=1, all_count=1)
    )
    db.session.add(
        CommentCount(version_id=row.version_id, section_id=row.section_id,
                     category_id=row.category_id, is_staff=False, public_count=1, all_count=1)
    )  # fmt: skip
    db.session.flush()
    assert _mismatches(db) == []


def test_a_counter_that_drifted_is_reported(app: Any, db: Any):
    (section,) = published_sections(1)
    CommentFactory(section=section)
    db.session.flush()
    db.session.execute(update(CommentCount).values(all_count=CommentCount.all_count + 1))
    (wrong,) = _mismatches(db)
    assert "counted (1, 2), recount (1, 1)" in wrong
