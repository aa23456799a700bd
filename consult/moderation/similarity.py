"""Rebuilding a version's similarity groups from the comments' fingerprints, and reading them."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.orm import joinedload

from consult.accounts.models import StakeholderCategory
from consult.comments.fingerprint import (
    CommentFingerprint,
    comment_text,
    fingerprint_values,
    identical_ids,
)
from consult.comments.models import STATE_VISIBLE, Comment
from consult.core import audit
from consult.db import utcnow
from consult.drafts.models import Version
from consult.extensions import db
from consult.moderation.clustering import LEVELS, NEAR, Item, cluster
from consult.moderation.grouping_models import SimilarityGroup, SimilarityMember
from consult.moderation.models import Disposition

logger = logging.getLogger(__name__)
BATCH = 1000


def _public_tops(version: Version) -> Any:
    return and_(
        Comment.version_id == version.id,
        Comment.parent_id.is_(None),
        Comment.is_confidential.is_(False),
        Comment.state == STATE_VISIBLE,
    )


def _items(version: Version) -> list[Item]:
    """The version's public top-level comments; missing fingerprints are written on the way."""
    rows = db.session.execute(
        select(
            Comment.id,
            Comment.provision_id,
            Comment.body,
            Comment.proposed_text,
            CommentFingerprint.minhash,
        )
        .outerjoin(CommentFingerprint, CommentFingerprint.comment_id == Comment.id)
        .where(_public_tops(version))
        .order_by(Comment.id)
    ).all()
    items: list[Item] = []
    missing: list[dict[str, Any]] = []
    for comment_id, provision_id, body, proposed, minhash in rows:
        if minhash is None:
            digest, minhash = fingerprint_values(body, proposed)
            missing.append(
                {
                    "comment_id": comment_id,
                    "version_id": version.id,
                    "text_hash": digest,
                    "minhash": minhash,
                }
            )
        items.append(Item(comment_id, provision_id, comment_text(body, proposed), minhash))
    for start in range(0, len(missing), BATCH):
        db.session.execute(insert(CommentFingerprint), missing[start : start + BATCH])
    return items


@dataclass
class RebuildSummary:
    comments: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    grouped: dict[str, int] = field(default_factory=dict)
    campaigns_kept: int = 0

    def lines(self) -> list[str]:
        out = [_("%(count)s public comments compared.", count=self.comments)]
        for level, label in LEVELS.items():
            out.append(
                _(
                    "%(level)s: %(groups)s groups, %(grouped)s comments in them.",
                    level=_(label),
                    groups=self.groups.get(level, 0),
                    grouped=self.grouped.get(level, 0),
                )
            )
        if self.campaigns_kept:
            out.append(
                _(
                    "%(count)s campaign(s) kept from the previous grouping.",
                    count=self.campaigns_kept,
                )
            )
        return out


def _previous(version: Version) -> tuple[set[tuple[int, str]], list[tuple[set[int], str]]]:
    """What moderators decided on the old groups: split members, and campaigns (kept)."""
    splits = {
        (comment_id, level)
        for comment_id, level in db.session.execute(
            select(SimilarityMember.comment_id, SimilarityGroup.level)
            .join(SimilarityGroup, SimilarityGroup.id == SimilarityMember.group_id)
            .where(SimilarityGroup.version_id == version.id, SimilarityMember.split_at.is_not(None))
        )
    }
    campaigns: dict[int, tuple[set[int], str]] = {}
    for group_id, name, comment_id in db.session.execute(
        select(SimilarityGroup.id, SimilarityGroup.campaign_name, SimilarityMember.comment_id)
        .join(SimilarityMember, SimilarityMember.group_id == SimilarityGroup.id)
        .where(SimilarityGroup.version_id == version.id, SimilarityGroup.is_campaign.is_(True))
    ):
        campaigns.setdefault(group_id, (set(), name))[0].add(comment_id)
    return splits, list(campaigns.values())


def _clear(version: Version) -> None:
    groups = select(SimilarityGroup.id).where(SimilarityGroup.version_id == version.id)
    db.session.execute(delete(SimilarityMember).where(SimilarityMember.group_id.in_(groups)))
    db.session.execute(delete(SimilarityGroup).where(SimilarityGroup.version_id == version.id))


def rebuild_groups(
    version: Version, *, user: Any = None, step: Callable[[int], None] | None = None
) -> RebuildSummary:
    """Group the version's public comments again; splits and campaigns survive the rebuild."""
    items = _items(version)
    splits, campaigns = _previous(version)
    found = cluster(items, step=step)
    _clear(version)
    summary = RebuildSummary(comments=len(items))
    now = utcnow()
    for level, groups in found.items():
        member_rows: list[dict[str, Any]] = []
        for members in groups:
            kept = [m for m in members if (m, level) not in splits]
            if len(kept) < 2:
                continue
            campaign = next(
                (
                    name
                    for ids, name in campaigns
                    if level == NEAR and len(ids & set(kept)) * 2 >= len(ids)
                ),
                None,
            )
            group = SimilarityGroup(
                version_id=version.id,
                level=level,
                representative_id=kept[0],
                size=len(kept),
                is_campaign=campaign is not None,
                campaign_name=campaign or "",
                created_at=now,
            )
            db.session.add(group)
            db.session.flush()
            summary.campaigns_kept += campaign is not None
            summary.groups[level] = summary.groups.get(level, 0) + 1
            summary.grouped[level] = summary.grouped.get(level, 0) + len(kept)
            for comment_id in members:
                split = (comment_id, level) in splits
                member_rows.append(
                    {
                        "group_id": group.id,
                        "comment_id": comment_id,
                        "split_at": now if split else None,
                    }
                )
        for start in range(0, len(member_rows), BATCH):
            db.session.execute(insert(SimilarityMember), member_rows[start : start + BATCH])
    audit.record(
        user,
        "similarity.rebuild",
        version,
        " ".join(summary.lines()),
        after={"groups": summary.groups, "grouped": summary.grouped},
    )
    db.session.flush()
    return summary


# --- reading ---------------------------------------------------------------------------------


def level_counts(version: Version) -> dict[str, int]:
    rows = db.session.execute(
        select(SimilarityGroup.level, func.count(SimilarityGroup.id))
        .where(SimilarityGroup.version_id == version.id)
        .group_by(SimilarityGroup.level)
    ).all()
    return {level: int(n) for level, n in rows}


def groups_of(
    version: Version, level: str, *, limit: int = 50, offset: int = 0
) -> list[SimilarityGroup]:
    """The version's groups of one level, largest first, with their representative comment."""
    return list(
        db.session.scalars(
            select(SimilarityGroup)
            .options(joinedload(SimilarityGroup.representative))
            .where(SimilarityGroup.version_id == version.id, SimilarityGroup.level == level)
            .order_by(SimilarityGroup.size.desc(), SimilarityGroup.id)
            .limit(limit)
            .offset(offset)
        )
    )


@dataclass
class MemberRow:
    member: SimilarityMember
    comment: Comment
    category: str
    outcome: str | None
    words: list[tuple[str, bool]]  # (word, differs from the representative)


def highlight(base: str, other: str) -> list[tuple[str, bool]]:
    """The other text's words, each marked if it is not in the base text at that place."""
    a, b = base.split(), other.split()
    marked: list[tuple[str, bool]] = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        marked.extend((word, tag != "equal") for word in b[j1:j2])
    return marked


def members_of(group: SimilarityGroup, limit: int = 200) -> list[MemberRow]:
    """Members with category, organisation and disposition, words that differ marked."""
    rows = db.session.execute(
        select(SimilarityMember, Comment, StakeholderCategory.name, Disposition.outcome)
        .join(Comment, Comment.id == SimilarityMember.comment_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Comment.category_id)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(SimilarityMember.group_id == group.id)
        .order_by(SimilarityMember.split_at.is_not(None), Comment.id)
        .limit(limit)
    ).all()
    base = group.representative.body
    return [
        MemberRow(
            member, comment, category or _("No category"), outcome, highlight(base, comment.body)
        )
        for member, comment, category, outcome in rows
    ]


def suggestions_for(comment: Comment) -> dict[str, Any]:
    """How many other comments look identical, near-identical or alike, and their groups."""
    identical = identical_ids(comment)
    groups = db.session.scalars(
        select(SimilarityGroup)
        .join(SimilarityMember, SimilarityMember.group_id == SimilarityGroup.id)
        .where(SimilarityMember.comment_id == comment.id, SimilarityMember.split_at.is_(None))
    ).all()
    by_level = {group.level: group for group in groups}
    return {"identical_ids": identical, "groups": by_level}


def campaign_counts(version: Version) -> dict[str, tuple[int, int]]:
    """{category name: (comments in campaigns, campaigns)} over the version's public comments;
    "All categories" holds the totals."""
    rows = db.session.execute(
        select(
            StakeholderCategory.name,
            func.count(func.distinct(Comment.id)),
            func.count(func.distinct(SimilarityGroup.id)),
        )
        .select_from(SimilarityMember)
        .join(SimilarityGroup, SimilarityGroup.id == SimilarityMember.group_id)
        .join(Comment, Comment.id == SimilarityMember.comment_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Comment.category_id)
        .where(
            SimilarityGroup.version_id == version.id,
            SimilarityGroup.is_campaign.is_(True),
            SimilarityMember.split_at.is_(None),
            _public_tops(version),
        )
        .group_by(StakeholderCategory.name)
    ).all()
    found = {name or "No category": (int(n), int(g)) for name, n, g in rows}
    campaigns = db.session.scalar(
        select(func.count(SimilarityGroup.id)).where(
            SimilarityGroup.version_id == version.id, SimilarityGroup.is_campaign.is_(True)
        )
    )
    found["All categories"] = (sum(n for n, _g in found.values()), int(campaigns or 0))
    return found


def campaign_by_comment(version: Version) -> dict[int, str]:
    """{comment id: campaign name} for the report CSV (one query)."""
    rows = db.session.execute(
        select(SimilarityMember.comment_id, SimilarityGroup.campaign_name, SimilarityGroup.id)
        .join(SimilarityGroup, SimilarityGroup.id == SimilarityMember.group_id)
        .where(
            SimilarityGroup.version_id == version.id,
            SimilarityGroup.is_campaign.is_(True),
            SimilarityMember.split_at.is_(None),
        )
    ).all()
    return {cid: name or f"Campaign {gid}" for cid, name, gid in rows}


def top_level_counts(version: Version) -> dict[str, int]:
    """{category name: public visible top-level comments}, "All categories" the total."""
    rows = db.session.execute(
        select(StakeholderCategory.name, func.count(Comment.id))
        .select_from(Comment)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Comment.category_id)
        .where(_public_tops(version))
        .group_by(StakeholderCategory.name)
    ).all()
    found = {name or "No category": int(n) for name, n in rows}
    found["All categories"] = sum(found.values())
    return found


def overview_provider(version: Version) -> dict[str, Any]:
    """The comments overview: public comments per category, those in campaigns apart."""
    campaigns = campaign_counts(version)
    if not campaigns.get("All categories", (0, 0))[1]:
        return {}
    panel = {"campaigns": campaigns, "totals": top_level_counts(version)}
    return {"panels": [("moderation/_campaigns_overview.html", panel)]}
