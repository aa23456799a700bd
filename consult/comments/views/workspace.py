"""The organisation workspace (members only) and an organisation's published voice (public)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from consult.accounts.models import Organisation
from consult.attachments import services as attachments
from consult.comments import queries, workspace
from consult.comments.forms import ConfirmForm
from consult.comments.views import bp
from consult.comments.workspace_forms import ApproveForm, DraftForm, NoteForm
from consult.comments.workspace_models import WorkspaceDraft
from consult.core.forms import show_refusal
from consult.core.permissions import (
    can_approve_drafts,
    can_use_workspace,
    can_view,
    require,
    require_visible,
)
from consult.db import utcnow
from consult.drafts.models import Version
from consult.drafts.queries import sections_of
from consult.extensions import db


def _organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    require_visible(can_use_workspace(current_user, organisation))
    return organisation


def _draft(draft_id: int) -> WorkspaceDraft:
    draft = db.get_or_404(WorkspaceDraft, draft_id)
    require_visible(can_use_workspace(current_user, draft.organisation))
    require_visible(can_view(current_user, draft.section.version))
    return draft


def _workspace_url(draft: WorkspaceDraft) -> str:
    version = draft.section.version
    return url_for(
        "comments.version_workspace",
        organisation_id=draft.organisation_id,
        slug=version.document.slug,
        number=version.number,
    )


@bp.get("/organisations/<int:organisation_id>/workspace")
def workspace_index(organisation_id: int) -> str:
    organisation = _organisation(organisation_id)
    now = utcnow()
    open_versions = [
        v
        for v in db.session.scalars(
            select(Version)
            .where(Version.status == "published", Version.opens_at <= now, Version.closes_at > now)
            .order_by(Version.closes_at)
            .limit(50)
        )
        if can_view(current_user, v)
    ]
    return render_template(
        "comments/workspace/index.html",
        organisation=organisation,
        open_versions=open_versions,
        drafted=workspace.versions_with_drafts(organisation),
    )


@bp.route(
    "/organisations/<int:organisation_id>/workspace/<slug>/v<int:number>/",
    methods=["GET", "POST"],
)
def version_workspace(
    organisation_id: int, slug: str, number: int
) -> str | Response | tuple[str, int]:
    organisation = _organisation(organisation_id)
    version = queries.version_or_404(slug, number, current_user)
    sections = sections_of(version)
    form = DraftForm(sections=sections)
    is_open = version.window_state(utcnow()) == "open"
    if is_open and form.validate_on_submit():
        try:
            draft = workspace.create_draft(
                organisation,
                form.sections[form.section_id.data],
                user=current_user,
                files=form.files.staged,
                kind=form.kind.data,
                body=form.body.data,
                quote=form.quote.data,
                proposed_text=form.proposed_text.data,
                proposal_scope=form.proposal_scope.data,
            )
        except (workspace.WorkspaceError, attachments.AttachmentError) as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Draft saved. Your colleagues can now edit it."), "success")
            return redirect(url_for("comments.show_draft", draft_id=draft.id))
    drafts = workspace.drafts_of(organisation, version)
    approve_form = ApproveForm(formdata=None)
    approve_form.draft_ids.choices = [(d.id, d.section.number) for d in drafts if d.is_open]
    return render_template(
        "comments/workspace/version.html",
        organisation=organisation,
        version=version,
        drafts=drafts,
        files=attachments.attachments_of(workspace.OWNER_DRAFT, [d.id for d in drafts]),
        form=form,
        approve_form=approve_form,
        is_open=is_open,
        may_approve=can_approve_drafts(current_user, organisation),
    ), (400 if form.errors else 200)


@bp.route("/workspace/drafts/<int:draft_id>", methods=["GET", "POST"])
def show_draft(draft_id: int) -> str | Response | tuple[str, int]:
    draft = _draft(draft_id)
    version = draft.section.version
    sections = sections_of(version)
    form = DraftForm(obj=draft, sections=sections)
    if not form.is_submitted():
        form.revision.data = draft.revision
    conflict = None
    editable = draft.is_open and version.window_state(utcnow()) == "open"
    if editable and form.validate_on_submit():
        try:
            workspace.edit_draft(
                draft,
                user=current_user,
                base_revision=form.revision.data or 0,
                files=form.files.staged,
                kind=form.kind.data,
                body=form.body.data,
                quote=form.quote.data,
                proposed_text=form.proposed_text.data,
                proposal_scope=form.proposal_scope.data,
            )
        except workspace.Conflict as clash:
            db.session.rollback()
            conflict = clash.theirs
            draft = _draft(draft_id)
            form.revision.data = draft.revision
            form.form_errors.append(
                _(
                    "A colleague saved this draft while you were editing it. Both versions are "
                    "shown below: your text is still in the form; save it again to replace theirs."
                )
            )
        except (workspace.WorkspaceError, attachments.AttachmentError) as error:
            db.session.rollback()
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Draft saved."), "success")
            return redirect(url_for("comments.show_draft", draft_id=draft.id))
    return render_template(
        "comments/workspace/draft.html",
        draft=draft,
        version=version,
        organisation=draft.organisation,
        form=form,
        conflict=conflict,
        editable=editable,
        history=workspace.history_of(draft),
        notes=workspace.notes_of(draft),
        note_form=NoteForm(formdata=None, prefix="note"),
        files=attachments.attachments_of(workspace.OWNER_DRAFT, [draft.id]).get(draft.id, []),
        may_approve=can_approve_drafts(current_user, draft.organisation),
        workspace_url=_workspace_url(draft),
    ), (409 if conflict else 400 if form.errors else 200)


@bp.post("/workspace/drafts/<int:draft_id>/notes")
def add_draft_note(draft_id: int) -> Response:
    draft = _draft(draft_id)
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        workspace.add_note(draft, user=current_user, body=form.body.data)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("comments.show_draft", draft_id=draft.id) + "#notes")


def _approve(organisation: Organisation, drafts: list[WorkspaceDraft]) -> int:
    require(can_approve_drafts(current_user, organisation))
    published = workspace.approve_drafts(drafts, user=current_user)
    db.session.commit()
    return len(published)


@bp.post("/workspace/drafts/<int:draft_id>/approve")
def approve_draft(draft_id: int) -> Response:
    draft = _draft(draft_id)
    require(can_approve_drafts(current_user, draft.organisation))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        _approve(draft.organisation, [draft])
    except workspace.WorkspaceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("comments.show_draft", draft_id=draft_id))
    flash(_("Approved and published on behalf of %(org)s.", org=draft.organisation.name), "success")
    return redirect(_workspace_url(draft))


@bp.post("/organisations/<int:organisation_id>/workspace/<slug>/v<int:number>/approve")
def approve_drafts(organisation_id: int, slug: str, number: int) -> Response:
    organisation = _organisation(organisation_id)
    version = queries.version_or_404(slug, number, current_user)
    require(can_approve_drafts(current_user, organisation))
    drafts = [d for d in workspace.drafts_of(organisation, version) if d.is_open]
    form = ApproveForm()
    form.draft_ids.choices = [(d.id, str(d.id)) for d in drafts]
    back = url_for(
        "comments.version_workspace", organisation_id=organisation.id, slug=slug, number=number
    )
    if not form.validate_on_submit():
        flash(_("Choose at least one draft to approve."), "error")
        return redirect(back)
    chosen = [d for d in drafts if d.id in set(form.draft_ids.data or [])]
    try:
        n = _approve(organisation, chosen)
    except workspace.WorkspaceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back)
    flash(
        ngettext(
            "%(num)d draft approved and published.", "%(num)d drafts approved and published.", n
        ),
        "success",
    )
    return redirect(back)


@bp.get("/organisations/<int:organisation_id>/voice/<slug>/v<int:number>/")
def organisation_voice(organisation_id: int, slug: str, number: int) -> str:
    """What did this organisation ask for: its approved comments and position papers."""
    organisation = db.get_or_404(Organisation, organisation_id)
    version = queries.version_or_404(slug, number, current_user)
    comments = workspace.organisation_comments(organisation, version)
    return render_template(
        "comments/workspace/voice.html",
        organisation=organisation,
        version=version,
        comments=comments,
        files=attachments.attachments_of(workspace.OWNER_COMMENT, [c.id for c in comments]),
    )


def may_download_draft_file(user: Any, draft_id: int) -> bool:
    draft = db.session.get(WorkspaceDraft, draft_id)
    return draft is not None and can_use_workspace(user, draft.organisation)


def may_download_comment_file(user: Any, comment_id: int) -> bool:
    from consult.comments.models import Comment
    from consult.core.permissions import can_moderate

    comment = db.session.get(Comment, comment_id)
    if comment is None or not can_view(user, comment):
        return False
    return comment.state == "visible" or can_moderate(user, comment)


def register(app: Any) -> None:
    from consult.core import hooks

    attachments.register_owner(app, workspace.OWNER_DRAFT, may_download_draft_file)
    attachments.register_owner(app, workspace.OWNER_COMMENT, may_download_comment_file)
    hooks.register(app, "organisation_page", organisation_panel)
    hooks.register(app, "report_page", report_panel)


def report_panel(version: Version, user: Any) -> dict[str, Any]:
    summary = workspace.report_summary(version)
    return {"panels": [("comments/workspace/_report_panel.html", summary)]}


def organisation_panel(organisation: Organisation, user: Any) -> dict[str, Any]:
    """The organisation page: its voice per version, and (for members) the workspace link."""
    return {
        "panels": [
            (
                "comments/workspace/_organisation_panel.html",
                {
                    "voice_versions": workspace.versions_with_voice(organisation),
                    "workspace_member": can_use_workspace(user, organisation),
                },
            )
        ]
    }
