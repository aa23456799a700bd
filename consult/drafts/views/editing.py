"""Editing pages: create a document, import, edit sections, publish, change the window."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from consult.core.forms import show_refusal
from consult.core.lazytext import lazy_gettext as _l
from consult.core.numbers import lock_version_of
from consult.core.permissions import can_moderate, can_publish, require
from consult.core.timefmt import local, parse_local
from consult.db import utcnow
from consult.drafts import queries, services, windows
from consult.drafts.diff import word_diff
from consult.drafts.errors import DraftError, EditConflict, ImportErrors
from consult.drafts.forms import (
    MAX_IMPORT_BYTES,
    AddSectionForm,
    ConfirmForm,
    DocumentForm,
    ImportForm,
    MoveForm,
    PublishForm,
    SectionForm,
    WindowForm,
)
from consult.drafts.models import STATUS_EDITING, Document, Section, Version
from consult.drafts.views import bp
from consult.drafts.views.reading import load_document, load_version
from consult.extensions import db

Page = BaseResponse | str | tuple[str, int]


def _editable_version(slug: str, number: int) -> tuple[Document, Version]:
    """The version, for someone who may edit it; published ones send the editor back."""
    document, version = load_version(slug, number)
    require(can_moderate(current_user, version))
    if version.status != STATUS_EDITING:
        abort(_published_redirect(document, version))
    return document, version


def _section(version: Version, section_id: int) -> Section:
    section = db.get_or_404(Section, section_id)
    if section.version_id != version.id:
        abort(404)
    return section


def _published_redirect(document: Document, version: Version) -> BaseResponse:
    flash(
        _(
            "Version %(number)s is published and can no longer be changed. "
            "Start a new version to make changes.",
            number=version.number,
        ),
        "warning",
    )
    return redirect(url_for("drafts.show_version", slug=document.slug, number=version.number))


def _back_to_section(slug: str, number: int, section: Section, done: Any) -> BaseResponse:
    """After a change to a section: say so, and show it in the version's editor."""
    flash(done % {"title": section.title}, "success")
    url = url_for("drafts.edit_version", slug=slug, number=number)
    return redirect(f"{url}#section-{section.id}")


@bp.route("/docs/new", methods=["GET", "POST"])
def create_document() -> Page:
    groups = queries.publishable_groups(current_user)
    require(bool(groups))
    form = DocumentForm()
    form.group_id.choices = {g.id: g.name for g in groups}
    if request.method == "GET" and request.args.get("group"):
        form.group_id.data = next((g.id for g in groups if g.slug == request.args["group"]), None)
    if form.validate_on_submit():
        group = next(g for g in groups if g.id == form.group_id.data)
        try:
            document = services.create_document(
                group,
                slug=form.slug.data or "",
                title=form.title.data or "",
                summary=form.summary.data or "",
                visibility=form.visibility.data or "",
                user=current_user,
            )
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "“%(title)s” created. Now import or write its first version.",
                    title=document.title,
                ),
                "success",
            )
            return redirect(url_for("drafts.import_version", slug=document.slug))
    return render_template("drafts/document_form.html", form=form)


def _read_upload(form: ImportForm) -> str | None:
    data = form.upload.data.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        form.upload.errors = [*form.upload.errors, _("The file is larger than 2 MB.")]
        return None
    try:
        return str(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        form.upload.errors = [*form.upload.errors, _("The file is not UTF-8 text.")]
        return None


@bp.route("/docs/<slug>/import", methods=["GET", "POST"])
def import_version(slug: str) -> Page:
    document = load_document(slug)
    require(can_publish(current_user, document))
    form = ImportForm()
    line_errors: list[tuple[int, str]] = []
    if form.validate_on_submit():
        text = _read_upload(form) if form.upload.data else form.text.data
        if text is not None:
            try:
                version = services.import_markdown(document, text, user=current_user)
            except ImportErrors as error:
                line_errors = error.errors
                form.form_errors.append(
                    _(
                        "The text was not imported: %(num)s problem(s) to fix, "
                        "listed below with their line numbers.",
                        num=len(line_errors),
                    )
                )
                if form.upload.data:
                    form.text.data = text  # so the fix can be made here
            except DraftError as error:
                show_refusal(form, error)
            else:
                db.session.commit()
                flash(
                    _("Version %(number)s created from the Markdown.", number=version.number),
                    "success",
                )
                return redirect(url_for("drafts.edit_version", slug=slug, number=version.number))
    status = 200 if not form.errors and not form.form_errors else 400
    return render_template(
        "drafts/import.html", document=document, form=form, line_errors=line_errors
    ), status


def _placement_choices(form: AddSectionForm | MoveForm, sections: list[Section]) -> None:
    labels = {s.id: "\u2003" * s.depth + (s.title or _("(untitled)")) for s in sections}
    form.parent_id.choices = {0: _("Top level"), **labels}
    form.after_id.choices = {0: _("At the start"), **labels}


def _placement(form: AddSectionForm | MoveForm, version: Version) -> tuple[Any, Any]:
    parent = _section(version, form.parent_id.data) if form.parent_id.data else None
    after = _section(version, form.after_id.data) if form.after_id.data else None
    return parent, after


@bp.get("/docs/<slug>/v<int:number>/edit")
def edit_version(slug: str, number: int) -> Page:
    document, version = _editable_version(slug, number)
    sections = queries.sections_of(version)
    add_form = AddSectionForm()
    _placement_choices(add_form, sections)
    return render_template(
        "drafts/edit_version.html",
        document=document,
        version=version,
        sections=sections,
        add_form=add_form,
        may_publish=can_publish(current_user, document),
    )


@bp.route("/docs/<slug>/v<int:number>/sections/<int:section_id>/edit", methods=["GET", "POST"])
def edit_section(slug: str, number: int, section_id: int) -> Page:
    document, version = _editable_version(slug, number)
    section = _section(version, section_id)
    form = SectionForm(obj=section if request.method == "GET" else None)
    if request.method == "GET":
        form.lock_version.data = str(section.lock_version)
    if form.validate_on_submit():
        try:
            expected = lock_version_of(form.lock_version.data)
        except ValueError:
            expected = -1
        try:
            services.update_section(
                section,
                expected_lock_version=expected,
                heading=form.heading.data or "",
                body=form.body.data or "",
                number=form.number.data or "",
                user=current_user,
            )
        except EditConflict as conflict:
            current = conflict.section
            # Keep the user's text; the next save is made knowingly against the current copy.
            form.lock_version.data = str(current.lock_version)
            return render_template(
                "drafts/conflict.html",
                document=document,
                version=version,
                section=current,
                form=form,
                body_diff=word_diff(current.body, conflict.attempted["body"]),
                heading_diff=word_diff(current.heading, conflict.attempted["heading"]),
            ), 409
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            return _back_to_section(slug, number, section, _l("%(title)s saved."))
    return render_template(
        "drafts/edit_section.html", document=document, version=version, section=section, form=form
    )


@bp.route("/docs/<slug>/v<int:number>/sections/new", methods=["GET", "POST"])
def add_section(slug: str, number: int) -> Page:
    document, version = _editable_version(slug, number)
    sections = queries.sections_of(version)
    form = AddSectionForm()
    _placement_choices(form, sections)
    if form.validate_on_submit():
        parent, after = _placement(form, version)
        try:
            section = services.add_section(
                version,
                parent=parent,
                after=after,
                kind=form.kind.data or "",
                number=form.number.data or "",
                heading=form.heading.data or "",
                body=form.body.data or "",
                user=current_user,
            )
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            return _back_to_section(slug, number, section, _l("%(title)s added."))
    return render_template("drafts/add_section.html", document=document, version=version, form=form)


@bp.route("/docs/<slug>/v<int:number>/sections/<int:section_id>/move", methods=["GET", "POST"])
def move_section(slug: str, number: int, section_id: int) -> Page:
    document, version = _editable_version(slug, number)
    section = _section(version, section_id)
    sections = queries.sections_of(version)
    form = MoveForm()
    _placement_choices(form, sections)
    if request.method == "GET":
        form.parent_id.data = section.parent_id or 0
        siblings = [s for s in sections if s.parent_id == section.parent_id]
        index = siblings.index(section)
        form.after_id.data = siblings[index - 1].id if index else 0
    if form.validate_on_submit():
        parent, after = _placement(form, version)
        try:
            services.move_section(section, parent=parent, after=after, user=current_user)
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            return _back_to_section(slug, number, section, _l("%(title)s moved."))
    return render_template(
        "drafts/move_section.html", document=document, version=version, section=section, form=form
    )


@bp.route("/docs/<slug>/v<int:number>/sections/<int:section_id>/remove", methods=["GET", "POST"])
def remove_section(slug: str, number: int, section_id: int) -> Page:
    document, version = _editable_version(slug, number)
    section = _section(version, section_id)
    below = len(queries.subtree_ids(queries.sections_of(version), section)) - 1
    form = ConfirmForm()
    if form.validate_on_submit():
        title = section.title
        try:
            services.remove_section(section, user=current_user)
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _("%(title)s removed from version %(number)s.", title=title, number=version.number),
                "success",
            )
            return redirect(url_for("drafts.edit_version", slug=slug, number=number))
    return render_template(
        "drafts/remove_section.html",
        document=document,
        version=version,
        section=section,
        below=below,
        form=form,
    )


def _utc(value: Any) -> Any:
    return parse_local(value) if value else None


def _local_naive(value: Any) -> Any:
    when = local(value)
    return when.replace(tzinfo=None) if when else None


@bp.route("/docs/<slug>/v<int:number>/publish", methods=["GET", "POST"])
def publish_version(slug: str, number: int) -> Page:
    document, version = load_version(slug, number)
    require(can_publish(current_user, version))
    if version.status != STATUS_EDITING:
        return _published_redirect(document, version)
    form = PublishForm()
    if version.number > 1:
        form.changelog.flags.required = True  # shown as required; publish_version enforces it
    if form.validate_on_submit():
        try:
            services.publish_version(
                version,
                user=current_user,
                changelog=form.changelog.data or "",
                opens_at=_utc(form.opens_at.data),
                closes_at=_utc(form.closes_at.data),
                close_open_window=bool(form.close_open_window.data),
            )
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(_("Version %(number)s is published.", number=version.number), "success")
            return redirect(url_for("drafts.show_version", slug=slug, number=number))
    status = 400 if form.form_errors or form.errors else 200
    return render_template(
        "drafts/publish.html",
        document=document,
        version=version,
        form=form,
        count=len(queries.sections_of(version)),
        still_open=services.open_predecessor(version),
        announced_end=windows.announced_end,
    ), status


@bp.route("/docs/<slug>/v<int:number>/window", methods=["GET", "POST"])
def change_window(slug: str, number: int) -> Page:
    document, version = load_version(slug, number)
    require(can_publish(current_user, version))
    if version.status == STATUS_EDITING:
        return redirect(url_for("drafts.publish_version", slug=slug, number=number))
    form = WindowForm()
    if request.method == "GET":
        form.opens_at.data = _local_naive(version.opens_at)
        form.closes_at.data = _local_naive(version.closes_at)
    if form.validate_on_submit():
        try:
            services.set_window(
                version,
                user=current_user,
                opens_at=_utc(form.opens_at.data),
                closes_at=_utc(form.closes_at.data),
                reason=form.reason.data or "",
            )
        except DraftError as error:
            show_refusal(form, error)
        else:
            db.session.commit()
            flash(
                _(
                    "The consultation window has been changed. The working group and everyone who "
                    "commented on this version are told by e-mail."
                ),
                "success",
            )
            return redirect(url_for("drafts.change_window", slug=slug, number=number))
    status = 400 if form.form_errors or form.errors else 200
    return render_template(
        "drafts/window.html",
        document=document,
        version=version,
        form=form,
        history=queries.window_history(version),
        now=utcnow(),
    ), status


@bp.post("/docs/<slug>/versions/new")
def start_version(slug: str) -> BaseResponse:
    document = load_document(slug)
    require(can_publish(current_user, document))
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = services.start_version(document, user=current_user)
    except DraftError as error:
        flash(str(error), "error")
        return redirect(url_for("drafts.list_versions", slug=slug))
    db.session.commit()
    flash(
        _("Version %(number)s started from the latest published text.", number=version.number),
        "success",
    )
    return redirect(url_for("drafts.edit_version", slug=slug, number=version.number))
