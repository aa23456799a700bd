"""Reading pages: home, a document's versions, a version, its Markdown, comparisons."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from consult.core import hooks
from consult.core.permissions import can_moderate, can_publish, can_view, require_visible
from consult.db import utcnow
from consult.drafts import queries, translations, windows
from consult.drafts.diff import STATUS_LABELS, STATUSES
from consult.drafts.forms import CompareForm
from consult.drafts.importer import to_markdown
from consult.drafts.models import STATUS_EDITING, Document, Version
from consult.drafts.views import bp


def load_document(slug: str) -> Document:
    """The document, or 404 also when the viewer may not see it (existence is not leaked)."""
    document = queries.get_document(slug)
    if document is None:
        abort(404)
    require_visible(can_view(current_user, document))
    return document


def load_version(slug: str, number: int) -> tuple[Document, Version]:
    document = load_document(slug)
    version = queries.get_version(document, number)
    if version is None:
        abort(404)
    require_visible(can_view(current_user, version))
    return document, version


def visible_versions(document: Document) -> list[Version]:
    return [v for v in queries.versions_of(document) if can_view(current_user, v)]


@bp.get("/")
def home() -> str:
    data = queries.home_data(current_user)
    panels = hooks.collect("home_page", user=current_user).get("panels", [])
    return render_template("drafts/home.html", data=data, now=utcnow(), panels=panels)


@bp.get("/docs/<slug>/")
def show_document(slug: str) -> BaseResponse:
    document = load_document(slug)
    version = queries.latest_visible_version(document, current_user)
    if version is None:
        if can_publish(current_user, document):
            return redirect(url_for("drafts.list_versions", slug=slug))
        abort(404)
    return redirect(url_for("drafts.show_version", slug=slug, number=version.number))


@bp.get("/docs/<slug>/versions/")
def list_versions(slug: str) -> str:
    document = load_document(slug)
    versions = visible_versions(document)
    extra = hooks.collect("document_page", document=document, user=current_user)
    return render_template(
        "drafts/versions.html",
        document=document,
        versions=versions,
        extra=extra,
        now=utcnow(),
        may_publish=can_publish(current_user, document),
        editing=next((v for v in versions if v.status == STATUS_EDITING), None),
    )


def _successor(versions: list[Version], version: Version) -> Version | None:
    return next((v for v in versions if v.number > version.number and v.is_published), None)


@bp.get("/docs/<slug>/v<int:number>/")
def show_version(slug: str, number: int) -> str:
    document, version = load_version(slug, number)
    sections = queries.sections_of(version)
    versions = visible_versions(document)
    extra = hooks.collect("version_page", version=version, sections=sections, user=current_user)
    reading = translations.reading_for(version, sections, request.args.get("text"))
    previous = next((v for v in reversed(versions) if v.number < version.number), None)
    return render_template(
        "drafts/version.html",
        document=document,
        version=version,
        sections=sections,
        reading=reading,
        tree=queries.section_tree([reading.show(s) for s in sections]),
        versions=versions,
        previous=previous,
        successor=_successor(versions, version),
        window_changes=windows.changes_of(version) if version.status != STATUS_EDITING else [],
        extra=extra,
        now=utcnow(),
        may_edit=version.status == STATUS_EDITING and can_moderate(current_user, version),
        may_publish=can_publish(current_user, document),
    )


@bp.get("/docs/<slug>/v<int:number>.md")
@bp.get("/docs/<slug>/v<int:number>/export.md")
def export_markdown(slug: str, number: int) -> Response:
    document, version = load_version(slug, number)
    text = to_markdown(queries.sections_of(version))
    response = Response(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{document.slug}-v{version.number}.md"'
    )
    return response


def _compare_form(document: Document, versions: list[Version], a: int, b: int) -> CompareForm:
    form = CompareForm(formdata=request.args if request.args else None, a=a, b=b)
    choices = {v.number: _("Version %(number)s", number=v.number) for v in versions}
    form.a.choices = choices
    form.b.choices = choices
    return form


@bp.get("/docs/<slug>/compare")
def choose_comparison(slug: str) -> BaseResponse | tuple[str, int] | str:
    """The picker (GET form); sends valid choices to the comparison's canonical address."""
    document = load_document(slug)
    versions = visible_versions(document)
    numbers = [v.number for v in versions]
    a = request.args.get("a", type=int)
    b = request.args.get("b", type=int)
    if a is None or b is None:
        default_b = numbers[-1] if numbers else 0
        default_a = numbers[-2] if len(numbers) > 1 else default_b
        form = _compare_form(document, versions, default_a, default_b)
        return render_template(
            "drafts/compare_choose.html", document=document, form=form, message=None
        )
    if a == b or a not in numbers or b not in numbers:
        form = _compare_form(document, versions, a, b)
        message = (
            _("Choose two different versions to compare.")
            if a == b
            else _("One of these versions does not exist or you may not see it.")
        )
        return render_template(
            "drafts/compare_choose.html", document=document, form=form, message=message
        ), 400
    args: dict[str, Any] = {"changes": "only"} if request.args.get("changes") else {}
    return redirect(url_for("drafts.compare", slug=slug, a=min(a, b), b=max(a, b), **args))


@bp.get("/docs/<slug>/compare/v<int:a>...v<int:b>")
def compare(slug: str, a: int, b: int) -> BaseResponse | tuple[str, int] | str:
    document = load_document(slug)
    if a > b:
        args: dict[str, Any] = dict(request.args)
        return redirect(url_for("drafts.compare", slug=slug, a=b, b=a, **args))
    versions = visible_versions(document)
    if a == b:
        form = _compare_form(document, versions, a, b)
        return render_template(
            "drafts/compare_choose.html",
            document=document,
            form=form,
            message=_("A version compared with itself has no differences: choose another version."),
        ), 400
    by_number = {v.number: v for v in versions}
    if a not in by_number or b not in by_number:
        abort(404)
    old, new = by_number[a], by_number[b]
    reading = translations.reading_for(new, [], request.args.get("text"))
    if reading.is_translation:
        comparison = translations.compare_in(old, new, reading.language)
        # What the notice counts: provisions compared in translation or, lacking one, the source.
        reading.sections = {row.section.section.id: row.section for row in comparison.rows}
    else:
        comparison = queries.compare_versions(old, new)
    only_changes = request.args.get("changes") == "only"
    rows = comparison.changed_rows if only_changes else comparison.rows
    extra = hooks.collect(
        "compare_page", old=old, new=new, comparison=comparison, user=current_user
    )
    form = _compare_form(document, versions, a, b)
    if only_changes:
        form.changes.data = True
    return render_template(
        "drafts/compare.html",
        document=document,
        old=old,
        new=new,
        comparison=comparison,
        reading=reading,
        rows=rows,
        only_changes=only_changes,
        form=form,
        extra=extra,
        statuses=STATUSES,
        status_labels=STATUS_LABELS,
    )


@bp.get("/docs/<slug>/p/<key>")
def goto_provision(slug: str, key: str) -> BaseResponse:
    """A provision by any key it ever had: to its place in the newest version that has it."""
    document = load_document(slug)
    provision = queries.resolve_provision(document, key)
    if provision is None:
        abort(404)
    having = queries.version_ids_with(provision)
    for version in reversed(visible_versions(document)):
        if version.id in having:
            return redirect(
                url_for("drafts.show_version", slug=slug, number=version.number)
                + f"#{provision.key}"
            )
    abort(404)
