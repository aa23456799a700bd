"""Revision workspace: open, edit provisions with their reasons, apply proposals, publish."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.comments.models import Comment
from consult.core.forms import show_refusal
from consult.core.numbers import lock_version_of
from consult.core.permissions import can_moderate, can_publish, require
from consult.core.timefmt import parse_local
from consult.drafts import services as drafts
from consult.drafts import windows
from consult.drafts.diff import word_diff
from consult.drafts.errors import DraftError, EditConflict
from consult.drafts.models import SECTION_KIND_LABELS, Section
from consult.extensions import db
from consult.moderation import proposals, revisions
from consult.moderation import workspace as workspaces
from consult.moderation.forms import (
    AddSectionForm,
    ApplyProposalForm,
    MoveSectionForm,
    OpenRevisionForm,
    PublishForm,
    RemoveSectionForm,
    SectionEditForm,
)
from consult.moderation.models import Revision
from consult.moderation.services import (
    ModerationError,
    dispositions_by_comment,
    undecided_comments,
)
from consult.moderation.views import bp
from consult.moderation.views._load import load_version, nav_links, optional_url


def _load_revision(slug: str, revision_id: int) -> Revision:
    revision = db.get_or_404(Revision, revision_id)
    if revision.version.document.slug != slug:
        abort(404)
    return revision


def _load_section(revision: Revision, section_id: int) -> Section:
    section = db.get_or_404(Section, section_id)
    if section.version_id != revision.version_id:
        abort(404)
    return section


def _moderated_section(slug: str, revision_id: int, section_id: int) -> tuple[Revision, Section]:
    """The revision and one of its sections, for someone who may moderate it (404, 403)."""
    revision = _load_revision(slug, revision_id)
    section = _load_section(revision, section_id)
    require(can_moderate(current_user, revision))
    return revision, section


def _workspace_url(revision: Revision, anchor: str | None = None) -> str:
    url = url_for(
        "moderation.show_revision", slug=revision.version.document.slug, revision_id=revision.id
    )
    return f"{url}#{anchor}" if anchor else url


def _back_to_workspace(revision: Revision, done: str, provision_id: int | None = None) -> Response:
    """After a change: say so, and show the workspace (at the provision changed, if any)."""
    flash(done, "success")
    return redirect(_workspace_url(revision, f"provision-{provision_id}" if provision_id else None))


def _refused(form: Any, error: ModerationError | DraftError) -> None:
    """Undo the refused change and show why on the form. A drafts refusal goes atop the form
    (as the moderation pages always showed it), whatever field the drafts editor would name."""
    db.session.rollback()
    if isinstance(error, ModerationError):
        show_refusal(form, error)
    else:
        form.form_errors.append(str(error))


def _common(revision: Revision) -> dict[str, Any]:
    version = revision.version
    return {
        "revision": revision,
        "version": version,
        "base": revision.base_version,
        "document": version.document,
        "links": nav_links(revision.base_version),
        "editable": workspaces.is_editing(revision),
        "version_url": optional_url(
            "drafts.show_version", slug=version.document.slug, number=version.number
        ),
    }


def _comment_ids(form: Any, other: str = "other_comments") -> list[int]:
    """Ticked comments plus the numbers typed in 'other comments' (the input named `other`)."""
    typed = revisions.parse_comment_numbers(request.form.get(other))
    return [*(form.comment_ids.data or []), *typed]


def _motivating_comments(form: Any, revision: Revision, section: Section) -> list[Any]:
    """The base version's comments on the provision, offered as the form's reasons."""
    items = workspaces.base_comments_by_provision(revision, section.provision_id).get(
        section.provision_id, []
    )
    form.comment_ids.choices = [(c.id, f"#{c.id}") for c, _ in items]
    return items


def _fill_edit_form(form: SectionEditForm, section: Section) -> None:
    form.lock_version.data = str(section.lock_version)
    form.number.data, form.heading.data, form.body.data = (
        section.number,
        section.heading,
        section.body,
    )


@bp.post("/docs/<slug>/v<int:number>/revisions")
def open_revision(slug: str, number: int) -> Response:
    version = load_version(slug, number)
    require(can_moderate(current_user, version))
    form = OpenRevisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        revision = revisions.open_revision(version, user=current_user)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("moderation.triage", slug=slug, number=number))
    db.session.commit()
    return _back_to_workspace(
        revision, _("Version %(number)s is open for editing.", number=revision.version.number)
    )


@bp.get("/docs/<slug>/revisions/<int:revision_id>/")
def show_revision(slug: str, revision_id: int) -> str:
    revision = _load_revision(slug, revision_id)
    require(can_moderate(current_user, revision))
    return render_template(
        "moderation/revision.html",
        workspace=workspaces.workspace(revision),
        apply_form=ApplyProposalForm(),
        **_common(revision),
    )


def _edit_page(
    revision: Revision,
    section: Section,
    form: SectionEditForm,
    *,
    conflict: EditConflict | None = None,
    remove_form: RemoveSectionForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    items = _motivating_comments(form, revision, section)
    changes, linked = workspaces.changes_of(revision)
    base_section = next(
        (
            s
            for s in drafts.sections_of(revision.base_version)
            if s.provision_id == section.provision_id
        ),
        None,
    )
    diff = None
    if conflict is not None:
        diff = word_diff(conflict.section.body, conflict.attempted.get("body", ""))
    return render_template(
        "moderation/edit_provision.html",
        section=section,
        base_section=base_section,
        form=form,
        comments=items,
        linked=linked.get(section.provision_id, {}),
        change=changes.get(section.provision_id),
        apply_form=ApplyProposalForm(),
        remove_form=remove_form or RemoveSectionForm(prefix="remove", formdata=None),
        conflict=conflict,
        conflict_diff=diff,
        section_kinds=SECTION_KIND_LABELS,
        **_common(revision),
    ), status


@bp.route(
    "/docs/<slug>/revisions/<int:revision_id>/provisions/<int:section_id>/",
    methods=["GET", "POST"],
)
def edit_provision(slug: str, revision_id: int, section_id: int) -> Any:
    revision, section = _moderated_section(slug, revision_id, section_id)
    form = SectionEditForm()
    if request.method == "GET":
        _fill_edit_form(form, section)
    if form.validate_on_submit():
        try:
            revisions.save_section(
                revision,
                section,
                expected_lock_version=lock_version_of(form.lock_version.data),
                heading=form.heading.data or "",
                body=form.body.data or "",
                number=form.number.data or "",
                comment_ids=_comment_ids(form),
                note=form.note.data or "",
                user=current_user,
            )
        except EditConflict as conflict:
            db.session.rollback()
            current = db.session.get(Section, section_id)
            if current is None:
                abort(404)
            # Keep their text, but base the next save on the current copy so it can succeed.
            form.lock_version.data = str(current.lock_version)
            return _edit_page(revision, current, form, conflict=conflict, status=409)
        except (ModerationError, DraftError) as error:
            _refused(form, error)
        else:
            db.session.commit()
            return _back_to_workspace(
                revision, _("%(title)s saved.", title=section.title), section.provision_id
            )
    return _edit_page(revision, section, form, status=400 if request.method == "POST" else 200)


@bp.post("/docs/<slug>/revisions/<int:revision_id>/comments/<int:comment_id>/apply")
def apply_proposal(slug: str, revision_id: int, comment_id: int) -> Any:
    revision = _load_revision(slug, revision_id)
    comment = db.get_or_404(Comment, comment_id)
    require(can_moderate(current_user, revision))
    form = ApplyProposalForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        section = proposals.apply_proposal(revision, comment, user=current_user)
    except proposals.ProposalConflict as conflict:
        db.session.rollback()
        return render_template(
            "moderation/proposal_conflict.html",
            comment=conflict.comment,
            section=conflict.section,
            message=str(conflict),
            **_common(revision),
        ), 409
    except (ModerationError, DraftError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_workspace_url(revision))
    db.session.commit()
    base = revision.base_version
    disposition = dispositions_by_comment([comment.id]).get(comment.id)
    if disposition is None or disposition.outcome is None:
        flash(
            _(
                "The proposal of comment #%(id)s is now in %(title)s. It has no "
                "disposition yet: we suggest 'Accepted'; confirm it and write the rationale.",
                id=comment.id,
                title=section.title,
            ),
            "success",
        )
        return redirect(
            url_for(
                "moderation.dispose_comment",
                slug=slug,
                number=base.number,
                comment_id=comment.id,
                suggest="accepted",
            )
        )
    return _back_to_workspace(
        revision,
        _(
            "The proposal of comment #%(id)s is now in %(title)s.",
            id=comment.id,
            title=section.title,
        ),
        section.provision_id,
    )


def _place_choices(form: Any, revision: Revision, exclude: set[int] | None = None) -> None:
    """Where a provision may go: inside or after any of the version's provisions but those
    in `exclude` (the one being moved and the provisions inside it)."""
    exclude = exclude or set()
    choices = [
        (s.id, ("— " * s.depth) + s.title)
        for s in drafts.sections_of(revision.version)
        if s.id not in exclude
    ]
    form.parent.choices = [("", _("Top level")), *choices]
    form.after.choices = [("", _("First place inside it")), *choices]


def _placement(form: Any, revision: Revision) -> tuple[Section | None, Section | None]:
    parent = db.session.get(Section, form.parent.data) if form.parent.data else None
    after = db.session.get(Section, form.after.data) if form.after.data else None
    for chosen in (parent, after):
        if chosen is not None and chosen.version_id != revision.version_id:
            raise ModerationError(_("Choose a provision of the version being prepared."))
    return parent, after


@bp.route("/docs/<slug>/revisions/<int:revision_id>/add", methods=["GET", "POST"])
def add_provision(slug: str, revision_id: int) -> Any:
    revision = _load_revision(slug, revision_id)
    require(can_moderate(current_user, revision))
    form = AddSectionForm()
    _place_choices(form, revision)
    form.kind.choices = [(kind, str(label)) for kind, label in SECTION_KIND_LABELS.items()]
    if form.validate_on_submit():
        try:
            parent, after = _placement(form, revision)
            section = revisions.add_provision(
                revision,
                parent=parent,
                after=after,
                kind=form.kind.data or "",
                number=form.number.data or "",
                heading=form.heading.data or "",
                body=form.body.data or "",
                comment_ids=revisions.parse_comment_numbers(request.form.get("other_comments")),
                note=form.note.data or "",
                user=current_user,
            )
        except (ModerationError, DraftError) as error:
            _refused(form, error)
        else:
            db.session.commit()
            return _back_to_workspace(
                revision, _("%(title)s added.", title=section.title), section.provision_id
            )
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/add_provision.html", form=form, **_common(revision)), status


@bp.route(
    "/docs/<slug>/revisions/<int:revision_id>/provisions/<int:section_id>/move",
    methods=["GET", "POST"],
)
def move_provision(slug: str, revision_id: int, section_id: int) -> Any:
    revision, section = _moderated_section(slug, revision_id, section_id)
    form = MoveSectionForm()
    subtree = drafts.subtree_ids(drafts.sections_of(revision.version), section)
    _place_choices(form, revision, exclude=subtree)
    items = _motivating_comments(form, revision, section)
    if request.method == "GET":
        form.parent.data = section.parent_id
    if form.validate_on_submit():
        try:
            parent, after = _placement(form, revision)
            revisions.move_provision(
                revision,
                section,
                parent=parent,
                after=after,
                comment_ids=_comment_ids(form),
                note=form.note.data or "",
                user=current_user,
            )
        except (ModerationError, DraftError) as error:
            _refused(form, error)
        else:
            db.session.commit()
            return _back_to_workspace(
                revision, _("%(title)s moved.", title=section.title), section.provision_id
            )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "moderation/move_provision.html",
        form=form,
        section=section,
        comments=items,
        **_common(revision),
    ), status


@bp.post("/docs/<slug>/revisions/<int:revision_id>/provisions/<int:section_id>/remove")
def remove_provision(slug: str, revision_id: int, section_id: int) -> Any:
    revision, section = _moderated_section(slug, revision_id, section_id)
    form = RemoveSectionForm(prefix="remove")
    _motivating_comments(form, revision, section)
    title, provision_id = section.title, section.provision_id
    if form.validate_on_submit():
        try:
            revisions.remove_provision(
                revision,
                section,
                comment_ids=_comment_ids(form, other="remove-other_comments"),
                note=form.note.data or "",
                user=current_user,
            )
        except (ModerationError, DraftError) as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(_workspace_url(revision, f"provision-{provision_id}"))
        db.session.commit()
        return _back_to_workspace(
            revision,
            _(
                "%(title)s removed from version %(number)s.",
                title=title,
                number=revision.version.number,
            ),
            provision_id,
        )
    edit = SectionEditForm(formdata=None)
    _fill_edit_form(edit, section)
    return _edit_page(revision, section, edit, remove_form=form, status=400)


@bp.route("/docs/<slug>/revisions/<int:revision_id>/publish", methods=["GET", "POST"])
def publish_revision(slug: str, revision_id: int) -> Any:
    revision = _load_revision(slug, revision_id)
    require(can_publish(current_user, revision))
    form = PublishForm()
    if form.validate_on_submit():
        try:
            version = revisions.publish_revision(
                revision,
                user=current_user,
                changelog=form.changelog.data or "",
                opens_at=parse_local(form.opens_at.data),
                closes_at=parse_local(form.closes_at.data),
                publish_anyway=bool(form.publish_anyway.data),
                close_open_window=bool(form.close_open_window.data),
            )
        except (ModerationError, DraftError) as error:
            _refused(form, error)
        else:
            db.session.commit()
            return _back_to_workspace(
                revision, _("Version %(number)s is published.", number=version.number)
            )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "moderation/publish.html",
        form=form,
        undecided=undecided_comments(revision.base_version),
        still_open=drafts.open_predecessor(revision.version),
        announced_end=windows.announced_end,
        **_common(revision),
    ), status
