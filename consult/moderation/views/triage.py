"""Triage queue (filters, bulk actions) and the disposition of one comment."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from consult.accounts.models import StakeholderCategory
from consult.comments.models import STATE_DELETED, Comment
from consult.core.forms import show_refusal
from consult.core.languages import EU_LANGUAGES
from consult.core.pagination import page_number
from consult.core.permissions import can_moderate, require
from consult.drafts.models import Section, Version
from consult.extensions import db
from consult.moderation import queue, services, similarity
from consult.moderation.clustering import level_labels
from consult.moderation.forms import (
    BULK_ACTIONS,
    AssignForm,
    BulkActionForm,
    DispositionForm,
    TriageFilterForm,
)
from consult.moderation.models import OUTCOMES, Disposition
from consult.moderation.queue import TriageFilters
from consult.moderation.services import ModerationError
from consult.moderation.views import bp
from consult.moderation.views._load import (
    load_top_comment,
    load_version,
    nav_links,
    revision_links,
)


def _filters_from(form: TriageFilterForm) -> TriageFilters:
    return TriageFilters(
        provision_id=form.provision.data,
        category_id=form.category.data,
        kind=form.kind.data or None,
        proposal=form.proposal.data or None,
        status=form.status.data or None,
        reported=bool(form.reported.data),
        assignee=form.assignee.data or None,
        language=form.language.data if form.language.data in EU_LANGUAGES else None,
        sort=form.sort.data if form.sort.data in queue.SORTS else "newest",
    )


@bp.route("/docs/<slug>/v<int:number>/triage", methods=["GET", "POST"])
def triage(slug: str, number: int) -> ResponseReturnValue:
    version = load_version(slug, number)
    require(can_moderate(current_user, version))
    moderators = services.moderators_of(version)
    bulk = BulkActionForm()
    bulk.assignee.choices = [("", _("Nobody (remove the assignment)"))] + [
        (m.id, m.display_name) for m in moderators
    ]
    if bulk.validate_on_submit():
        try:
            message = services.apply_bulk_action(
                version,
                action=bulk.action.data or "",
                comment_ids=bulk.comment_ids.data or [],
                user=current_user,
                outcome=bulk.outcome.data or "",
                rationale=bulk.rationale.data or "",
                duplicate_of_id=bulk.duplicate_of.data,
                assignee_id=bulk.assignee.data,
            )
        except ModerationError as error:
            db.session.rollback()
            show_refusal(bulk, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(request.full_path)

    filters = TriageFilterForm(formdata=request.args)
    sections = db.session.scalars(
        select(Section).where(Section.version_id == version.id).order_by(Section.position)
    ).all()
    filters.provision.choices = [("", _("All provisions"))] + [
        (s.provision_id, s.title) for s in sections
    ]
    categories = db.session.scalars(
        select(StakeholderCategory).order_by(StakeholderCategory.position)
    ).all()
    filters.category.choices = [("", _("All categories"))] + [(c.id, c.name) for c in categories]
    counts = queue.triage_counts(version)
    page = queue.triage_page(
        version,
        _filters_from(filters),
        current_user,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        unfiltered_total=counts["total"],
    )
    return render_template(
        "moderation/triage.html",
        version=version,
        document=version.document,
        filters=filters,
        bulk=bulk,
        bulk_actions=BULK_ACTIONS,
        page=page,
        counts=counts,
        frozen=services.is_frozen(version),
        selected=set(bulk.comment_ids.data or []) if request.method == "POST" else set(),
        links=nav_links(version),
        **revision_links(version, current_user),
    ), (400 if request.method == "POST" else 200)


def _comment_page(
    version: Version, comment: Comment, form: DispositionForm, assign: AssignForm
) -> str:
    disposition = db.session.scalars(
        select(Disposition).where(Disposition.comment_id == comment.id)
    ).first()
    siblings = db.session.scalars(
        select(Comment)
        .where(
            Comment.version_id == comment.version_id,
            Comment.provision_id == comment.provision_id,
            Comment.parent_id.is_(None),
            Comment.id != comment.id,
            Comment.state != STATE_DELETED,
        )
        .order_by(Comment.created_at)
        .limit(50)
    ).all()
    late = services.is_frozen(comment.section.version)
    return render_template(
        "moderation/comment.html",
        version=version,
        document=comment.section.version.document,
        comment=comment,
        disposition=disposition,
        history=services.history_of(comment),
        siblings=siblings,
        similar=similarity.suggestions_for(comment),
        levels=level_labels(),
        form=form,
        assign=assign,
        frozen=late and disposition is not None and disposition.outcome is not None,
        late=late,
        comment_link=services.comment_url(comment),
        links=nav_links(comment.section.version),
    )


def _assign_form(version: Version) -> AssignForm:
    form = AssignForm(prefix="assign")
    choices: list[tuple[Any, str]] = [("", _("Nobody"))]
    choices += [(m.id, m.display_name) for m in services.moderators_of(version)]
    form.assignee.choices = choices
    return form


@bp.route("/docs/<slug>/v<int:number>/triage/<int:comment_id>", methods=["GET", "POST"])
def dispose_comment(slug: str, number: int, comment_id: int) -> ResponseReturnValue:
    version = load_version(slug, number)
    comment = load_top_comment(version, comment_id)
    require(can_moderate(current_user, version))
    form = DispositionForm()
    if request.method == "GET":
        current = db.session.scalars(
            select(Disposition).where(Disposition.comment_id == comment.id)
        ).first()
        if current is not None and current.outcome:
            form.outcome.data = current.outcome
            form.rationale.data = current.rationale
            form.duplicate_of.data = current.duplicate_of_id
        elif request.args.get("suggest") in OUTCOMES:
            # After a proposal was applied: suggested, never set without the moderator.
            form.outcome.data = request.args["suggest"]
    if form.validate_on_submit():
        try:
            services.set_disposition(
                comment,
                outcome=form.outcome.data or "",
                rationale=form.rationale.data or "",
                duplicate_of_id=form.duplicate_of.data,
                user=current_user,
            )
        except ModerationError as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Disposition of comment #%(id)s saved.", id=comment.id), "success")
            return redirect(
                url_for(
                    "moderation.dispose_comment", slug=slug, number=number, comment_id=comment.id
                )
            )
    status = 400 if request.method == "POST" else 200
    return _comment_page(version, comment, form, _assign_form(version)), status


@bp.post("/docs/<slug>/v<int:number>/triage/<int:comment_id>/assign")
def assign_comment(slug: str, number: int, comment_id: int) -> ResponseReturnValue:
    version = load_version(slug, number)
    comment = load_top_comment(version, comment_id)
    require(can_moderate(current_user, version))
    assign = _assign_form(version)
    if assign.validate_on_submit():
        try:
            message = services.apply_bulk_action(
                version,
                action="assign",
                comment_ids=[comment.id],
                assignee_id=assign.assignee.data,
                user=current_user,
            )
        except ModerationError as error:
            db.session.rollback()
            show_refusal(assign, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(
                url_for(
                    "moderation.dispose_comment", slug=slug, number=number, comment_id=comment.id
                )
            )
    return _comment_page(version, comment, DispositionForm(formdata=None), assign), 400
