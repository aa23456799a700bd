"""The demo: comments with the same text share an identical group; a small campaign is marked."""

from __future__ import annotations

import importlib
from collections import defaultdict

from sqlalchemy import select

from consult.cli import DEMO_MODULES
from consult.comments.models import Comment
from consult.moderation.grouping_models import SimilarityGroup, SimilarityMember


def test_demo_groups_identical_comments_and_marks_a_campaign(db):
    context: dict = {}
    for name in DEMO_MODULES:
        importlib.import_module(f"consult.{name}.demo").load(context)
        db.session.flush()
    v2 = context["versions"]["transparency"][1]
    same_text: dict[tuple[str, str], list[int]] = defaultdict(list)  # text and proposal
    for comment in db.session.scalars(
        select(Comment).where(
            Comment.version_id == v2.id,
            Comment.parent_id.is_(None),
            Comment.state == "visible",
            Comment.is_confidential.is_(False),
        )
    ):
        same_text[(comment.body, comment.proposed_text)].append(comment.id)
    repeated = [ids for ids in same_text.values() if len(ids) > 1]
    assert repeated, "the demo has comments with the same text"
    identical = {
        comment_id: group_id
        for comment_id, group_id in db.session.execute(
            select(SimilarityMember.comment_id, SimilarityMember.group_id)
            .join(SimilarityGroup, SimilarityGroup.id == SimilarityMember.group_id)
            .where(SimilarityGroup.version_id == v2.id, SimilarityGroup.level == "identical")
        )
    }
    for ids in repeated:
        assert len({identical.get(i) for i in ids}) == 1 and identical.get(ids[0])
    campaign = db.session.scalars(
        select(SimilarityGroup).where(SimilarityGroup.is_campaign.is_(True))
    ).one()
    assert campaign.campaign_name == "Fair Training Data letter" and campaign.size == 6
