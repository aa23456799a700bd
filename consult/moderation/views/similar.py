"""Triage by group: the similar-comments view, one group's page and its actions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from consult.core.forms import show_refusal
from consult.core.permissions import can_moderate, require
from consult.drafts.models import Version
from consult.extensions import db
from consult.moderation import grouping, similarity
from consult.moderation.clustering import LEVELS, NEAR, level_labels
from consult.moderation.grouping_models import SimilarityGroup
from consult.moderation.models import outcome_labels
from consult.moderation.services import ModerationError
from consult.moderation.similar_forms import (
    CampaignForm,
    DuplicatesForm,
    GroupDispositionForm,
    RebuildForm,
    SplitForm,
)
from consult.moderation.views import bp
from consult.moderation.views._load import load_version, nav_links

PER_PAGE = 50
MAX_ID = 2**31 - 1


@bp.route("/docs/<slug>/v<int:number>/triage/similar", methods=["GET", "POST"])
def similar_comments(slug: str, number: int) -> ResponseReturnValue:
    version = load_version(slug, number)
    require(can_moderate(current_user, version))
    form = RebuildForm()
    if form.validate_on_submit():
        summary = similarity.rebuild_groups(version, user=current_user)
        db.session.commit()
        flash(" ".join(summary.lines()), "success")
        return redirect(url_for("moderation.similar_comments", slug=slug, number=number))
    level = request.args.get("level", NEAR)
    if level not in LEVELS:
        level = NEAR
    page = request.args.get("page", 1, type=int) or 1
    page = min(max(page, 1), 10_000)
    groups = similarity.groups_of(version, level, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    return render_template(
        "moderation/similar.html",
        version=version,
        document=version.document,
        level=level,
        levels=level_labels(),
        counts=similarity.level_counts(version),
        groups=groups[:PER_PAGE],
        page=page,
        has_next=len(groups) > PER_PAGE,
        form=form,
        links=nav_links(version),
    )


def _load_group(version: Version, group_id: int) -> SimilarityGroup:
    if group_id > MAX_ID:  # beyond an integer column: no such group, not a database error
        abort(404)
    group = db.get_or_404(SimilarityGroup, group_id)
    if group.version_id != version.id:
        abort(404)
    return group


def _group_page(version: Version, group: SimilarityGroup, **forms: object) -> str:
    members = similarity.members_of(group)
    duplicates = forms.get("duplicates") or DuplicatesForm(prefix="dup", formdata=None)
    duplicates.original.choices = {  # type: ignore[attr-defined]
        m.comment.id: _(
            "#%(id)s (%(organisation)s)",
            id=m.comment.id,
            organisation=m.comment.organisation_name or _("independent"),
        )
        for m in members
        if m.member.split_at is None
    }
    campaign = forms.get("campaign") or CampaignForm(
        prefix="camp",
        formdata=None,
        is_campaign=group.is_campaign,
        name=group.campaign_name,
    )
    return render_template(
        "moderation/similar_group.html",
        version=version,
        document=version.document,
        group=group,
        members=members,
        level_label=_(LEVELS[group.level]),
        outcomes=outcome_labels(),
        dispose=forms.get("dispose") or GroupDispositionForm(prefix="all", formdata=None),
        duplicates=duplicates,
        campaign=campaign,
        split=SplitForm(prefix="split", formdata=None),
        links=nav_links(version),
    )


@bp.get("/docs/<slug>/v<int:number>/triage/similar/<int:group_id>")
def similar_group(slug: str, number: int, group_id: int) -> ResponseReturnValue:
    version = load_version(slug, number)
    require(can_moderate(current_user, version))
    return _group_page(version, _load_group(version, group_id))


@bp.post("/docs/<slug>/v<int:number>/triage/similar/<int:group_id>/<action>")
def act_on_group(slug: str, number: int, group_id: int, action: str) -> ResponseReturnValue:
    version = load_version(slug, number)
    require(can_moderate(current_user, version))
    group = _load_group(version, group_id)
    here = url_for("moderation.similar_group", slug=slug, number=number, group_id=group.id)
    forms: dict[str, object] = {}
    try:
        if action == "dispose":
            dispose = GroupDispositionForm(prefix="all")
            forms["dispose"] = dispose
            if dispose.validate_on_submit():
                count = grouping.dispose_group(
                    group,
                    outcome=dispose.outcome.data or "",
                    rationale=dispose.rationale.data or "",
                    user=current_user,
                    only_undecided=bool(dispose.only_undecided.data),
                )
                db.session.commit()
                flash(_("%(count)s comment(s) given the same disposition.", count=count), "success")
                return redirect(here)
        elif action == "duplicates":
            duplicates = DuplicatesForm(prefix="dup")
            duplicates.original.choices = {c.id: str(c.id) for c in grouping.active_members(group)}
            forms["duplicates"] = duplicates
            if duplicates.validate_on_submit():
                count = grouping.mark_duplicates(
                    group,
                    original_id=duplicates.original.data,
                    rationale=duplicates.rationale.data or "",
                    user=current_user,
                )
                db.session.commit()
                flash(_("%(count)s comment(s) marked as duplicates.", count=count), "success")
                return redirect(here)
        elif action == "split":
            split = SplitForm(prefix="split")
            if split.validate_on_submit():
                comment = grouping.split_member(
                    group, comment_id=split.comment_id.data or 0, user=current_user
                )
                db.session.commit()
                flash(_("Comment #%(id)s split out of the group.", id=comment.id), "success")
                return redirect(here)
            flash(_("Choose a comment to split out."), "error")
        elif action == "campaign":
            campaign = CampaignForm(prefix="camp")
            forms["campaign"] = campaign
            if campaign.validate_on_submit():
                grouping.set_campaign(
                    group,
                    is_campaign=bool(campaign.is_campaign.data),
                    name=campaign.name.data or "",
                    user=current_user,
                )
                db.session.commit()
                flash(_("Campaign saved."), "success")
                return redirect(here)
        else:
            abort(404)
    except ModerationError as error:
        db.session.rollback()
        target = next(iter(forms.values()), None)
        if target is not None:
            show_refusal(target, error)
        else:
            flash(str(error), "error")
    return _group_page(version, group, **forms), 400
