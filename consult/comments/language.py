"""The language of a comment (chosen, or detected from its text) and of the text it quotes."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Length, Optional

from consult.comments.text import passage_occurs
from consult.core.i18n import current_language
from consult.core.languages import (
    DEFAULT_LANGUAGE,
    DETECT,
    EU_LANGUAGES,
    detect_language,
    language_choices,
)
from consult.core.lazytext import lazy_gettext as _l
from consult.drafts.translations import translation_of


def comment_language_choices() -> list[Any]:
    return [SelectChoice(DETECT, _l("Detect from my text")), *language_choices()]


def language_field() -> SelectField:
    return SelectField(
        _l("Language of your comment"),
        choices=comment_language_choices(),
        default=DETECT,
        validators=[Optional(), AnyOf([DETECT, *EU_LANGUAGES])],
        description=_l("Readers and moderators see it; leave “Detect” to let the site decide."),
    )


def quote_language_field() -> HiddenField:
    return HiddenField(validators=[Optional(), Length(max=8), AnyOf(["", *EU_LANGUAGES])])


def interface_language() -> str:
    code = current_language()
    return code if code in EU_LANGUAGES else DEFAULT_LANGUAGE


def prefill_language(field: Any, text: str | None) -> None:
    """Pre-select a form's language: detected from the text there is, else the interface's."""
    if field.data not in (None, "", DETECT):
        return
    field.data = detect_language(text) if (text or "").strip() else None
    field.data = field.data or interface_language()


def resolve_language(choice: str | None, text: str) -> str:
    """The language to store: the one chosen, or detected when the choice is "detect"."""
    if choice in EU_LANGUAGES:
        return str(choice)
    return detect_language(text) or interface_language()


def quote_language_of(section: Any, quote: str, quote_language: str | None) -> tuple[bool, Any]:
    """(found, language) of a quote: found in the `quote_language` translation of the section
    (language returned) or in its source text (None returned)."""
    if not (quote or "").strip():
        return True, None
    version_language = getattr(section.version, "language", DEFAULT_LANGUAGE)
    if quote_language and quote_language != version_language:
        shown = translation_of(section, quote_language)
        if shown is not None and passage_occurs(quote, shown):
            return True, quote_language
    return passage_occurs(quote, section), None
