"""Demo: a small campaign of near-identical comments on version 2, and its similarity groups."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from consult.comments.demo import _snapshot
from consult.comments.models import Comment
from consult.db import utcnow
from consult.extensions import db
from consult.moderation.clustering import NEAR
from consult.moderation.grouping_models import SimilarityGroup
from consult.moderation.similarity import rebuild_groups

logger = logging.getLogger(__name__)

CAMPAIGN = (
    "As a member of {org}, I support the Fair Training Data letter: every provider should publish "
    "a list of the datasets used for training, with their sources and licences, and keep it up to "
    "date{end}"
)
ENDINGS = (".", " for each new model.", ".", " at least once a year.", ".", ".")


def load(context: dict[str, Any]) -> None:
    comments = context.get("comments", {})
    versions = context.get("versions", {}).get("transparency")
    if not versions or len(versions) < 2 or not comments or not context.get("stakeholders"):
        return
    v2 = versions[1]
    top = comments[("transparency", v2.number)]
    section = next((c.section for c in top if c.state == "visible"), None)
    if section is None:
        return
    rng = random.Random(20261128)
    users = [u for u in context["stakeholders"] if u.category is not None]
    now = utcnow()
    made = []
    for index, user in enumerate(rng.sample(users, 6)):
        created = now - timedelta(hours=30 - index * 4)
        made.append(
            Comment(
                version_id=v2.id,
                section_id=section.id,
                provision_id=section.provision_id,
                depth=0,
                kind="general",
                body=CAMPAIGN.format(org=user.organisation_label, end=ENDINGS[index]),
                created_at=created,
                updated_at=created,
                **_snapshot(user),
            )
        )
    db.session.add_all(made)
    db.session.flush()
    for version in versions:
        rebuild_groups(version)
    campaign = db.session.scalars(
        select(SimilarityGroup).where(
            SimilarityGroup.version_id == v2.id,
            SimilarityGroup.level == NEAR,
            SimilarityGroup.representative_id == made[0].id,
        )
    ).first()
    if campaign is not None:
        campaign.is_campaign = True
        campaign.campaign_name = "Fair Training Data letter"
    db.session.flush()
    logger.info("demo similarity: %d campaign comments, groups rebuilt", len(made))
