"""Translations of a version: chairs import one language at a time (Markdown, same keys)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from consult.core.forms import show_refusal
from consult.core.languages import language_label, language_name
from consult.core.permissions import can_publish, require
from consult.drafts import translations
from consult.drafts.errors import DraftError, ImportErrors
from consult.drafts.translation_forms import TranslationImportForm
from consult.drafts.views import bp
from consult.drafts.views.editing import _read_upload
from consult.drafts.views.reading import load_version
from consult.extensions import db


def text_url(code: str | None) -> str:
    """This page's address read in another language (`?text=`), its other arguments kept."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "text"}
    if code:
        args["text"] = code
    return url_for(str(request.endpoint), **(request.view_args or {}), **args)


bp.add_app_template_filter(language_name, "language_name")
bp.add_app_template_filter(language_label, "language_label")
bp.add_app_template_global(text_url, "text_url")


@bp.route("/docs/<slug>/v<int:number>/translations", methods=["GET", "POST"])
def import_translation(slug: str, number: int) -> BaseResponse | tuple[str, int]:
    document, version = load_version(slug, number)
    require(can_publish(current_user, document))
    form = TranslationImportForm()
    form.exclude(version.language)
    line_errors: list[tuple[int, str]] = []
    if form.validate_on_submit():
        text = _read_upload(form) if form.upload.data else form.text.data
        if text is not None:
            try:
                result = translations.import_translation(
                    version, form.language.data or "", text, user=current_user
                )
            except ImportErrors as error:
                line_errors = error.errors
                form.form_errors.append(
                    _(
                        "The translation was not imported: %(n)s problem(s) to fix, listed "
                        "below with their line numbers.",
                        n=len(line_errors),
                    )
                )
                if form.upload.data:
                    form.text.data = text
            except DraftError as error:
                show_refusal(form, error)
            else:
                db.session.commit()
                flash(
                    _(
                        "%(language)s translation imported. Provisions translated: %(done)s; "
                        "shown in the original: %(left)s.",
                        language=language_label(result.language),
                        done=result.translated,
                        left=result.untranslated,
                    ),
                    "success",
                )
                return redirect(
                    url_for("drafts.show_version", slug=slug, number=number, text=result.language)
                )
    status = 200 if not form.errors and not form.form_errors else 400
    return render_template(
        "drafts/translation_import.html",
        document=document,
        version=version,
        form=form,
        line_errors=line_errors,
        existing=translations.translations_of_version(version),
    ), status
