"""Moderators' actions on a similarity group: one answer for all, duplicates, split, campaign."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import Comment
from consult.core import audit
from consult.db import utcnow
from consult.extensions import db
from consult.moderation.clustering import NEAR
from consult.moderation.grouping_models import SimilarityGroup, SimilarityMember
from consult.moderation.services import (
    DUPLICATE,
    FROZEN_MESSAGE,
    ModerationError,
    bulk_set_disposition,
    dispositions_by_comment,
    is_frozen,
)


def active_members(group: SimilarityGroup) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .join(SimilarityMember, SimilarityMember.comment_id == Comment.id)
            .where(SimilarityMember.group_id == group.id, SimilarityMember.split_at.is_(None))
            .order_by(Comment.id)
        )
    )


def dispose_group(
    group: SimilarityGroup, *, outcome: str, rationale: str, user: Any, only_undecided: bool
) -> int:
    """The same disposition for each member; each keeps its own record and may be revised."""
    comments = active_members(group)
    if only_undecided:
        known = dispositions_by_comment(c.id for c in comments)
        comments = [c for c in comments if known.get(c.id) is None or not known[c.id].outcome]
        if not comments:
            raise ModerationError(_("Every comment of this group already has a disposition."))
    if outcome == DUPLICATE:
        raise ModerationError(
            _("To mark duplicates, use “Mark as duplicates of” and choose the original."),
            field="outcome",
        )
    count = bulk_set_disposition(comments, outcome=outcome, rationale=rationale, user=user)
    audit.record(user, "similarity.dispose", group, f"{count} comment(s): {outcome}")
    return count


def mark_duplicates(group: SimilarityGroup, *, original_id: int, rationale: str, user: Any) -> int:
    """Every other member becomes a duplicate of the chosen original (which keeps its own)."""
    comments = active_members(group)
    if original_id not in {c.id for c in comments}:
        raise ModerationError(
            _("Choose the original among this group's comments."), field="original"
        )
    others = [c for c in comments if c.id != original_id]
    count = bulk_set_disposition(
        others, outcome=DUPLICATE, rationale=rationale, user=user, duplicate_of_id=original_id
    )
    audit.record(user, "similarity.duplicates", group, f"{count} duplicate(s) of #{original_id}")
    return count


def split_member(group: SimilarityGroup, *, comment_id: int, user: Any) -> Comment:
    """Take a comment out of the group; it stays split when the groups are rebuilt."""
    member = db.session.scalars(
        select(SimilarityMember).where(
            SimilarityMember.group_id == group.id,
            SimilarityMember.comment_id == comment_id,
            SimilarityMember.split_at.is_(None),
        )
    ).first()
    if member is None:
        raise ModerationError(_("This comment is not in the group."), field="comment_id")
    member.split_at = utcnow()
    member.split_by_id = user.id
    group.size = max(group.size - 1, 0)
    if member.comment_id == group.representative_id:
        remaining = [c for c in active_members(group) if c.id != member.comment_id]
        if remaining:
            group.representative_id = remaining[0].id
    audit.record(
        user,
        "similarity.split",
        group,
        f"Comment #{comment_id} split out",
        after={"comment_id": comment_id},
    )
    db.session.flush()
    return member.comment


def set_campaign(group: SimilarityGroup, *, is_campaign: bool, name: str, user: Any) -> None:
    """Mark (or unmark) a near-identical group as a campaign; its comments all stay answered."""
    if group.level != NEAR:
        raise ModerationError(_("Only a near-identical group can be marked as a campaign."))
    if is_frozen_group(group):
        raise ModerationError(_(FROZEN_MESSAGE))
    before = {"is_campaign": group.is_campaign, "campaign_name": group.campaign_name}
    group.is_campaign = is_campaign
    group.campaign_name = (name or "").strip()[:120] if is_campaign else ""
    after = {"is_campaign": group.is_campaign, "campaign_name": group.campaign_name}
    if before != after:
        audit.record(
            user, "similarity.campaign", group, group.campaign_name, before=before, after=after
        )
    db.session.flush()


def is_frozen_group(group: SimilarityGroup) -> bool:
    from consult.drafts.models import Version

    version = db.session.get(Version, group.version_id)
    return version is not None and is_frozen(version)
