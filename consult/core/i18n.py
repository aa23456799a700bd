"""Interface languages: which locale a request is served in (Flask-Babel's selector).

A language is offered as soon as its catalogue exists under consult/translations; English is the
source language and needs none. The choice, strongest first: `?lang=` on any URL (shared links),
the signed-in user's profile, the `lang` cookie, then the browser's Accept-Language.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from flask import current_app, g, has_request_context, request

SOURCE_LANGUAGE = "en"
LANG_COOKIE = "lang"
TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "translations")


@cache
def _catalogue_languages(directory: str) -> tuple[str, ...]:
    if not os.path.isdir(directory):
        return ()
    return tuple(
        sorted(
            name
            for name in os.listdir(directory)
            if os.path.isfile(os.path.join(directory, name, "LC_MESSAGES", "messages.po"))
        )
    )


def available_languages() -> tuple[str, ...]:
    """English first, then every language with a catalogue (ISO 639-1 codes)."""
    return (SOURCE_LANGUAGE, *_catalogue_languages(TRANSLATIONS_DIR))


def normalise(value: str | None) -> str | None:
    """A supported language code for `value` ('de', 'de-AT', 'DE'), or None."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()[:8]
    return code if code in available_languages() else None


def select_locale() -> str:
    if not has_request_context():
        return g.get("locale_override") or SOURCE_LANGUAGE
    if override := g.get("locale_override"):
        return override
    chosen = normalise(request.args.get("lang"))
    if chosen is None:
        from flask_login import current_user

        if current_user.is_authenticated:
            chosen = normalise(getattr(current_user, "locale", None))
    if chosen is None:
        chosen = normalise(request.cookies.get(LANG_COOKIE))
    if chosen is None:
        chosen = request.accept_languages.best_match(available_languages())
    return chosen or SOURCE_LANGUAGE


def select_timezone() -> str:
    return str(current_app.config["TIMEZONE"])


def current_language() -> str:
    """The language the page is being rendered in, for `<html lang>`."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LANGUAGE


def translated_choices(choices: Mapping[str, Any]) -> Callable[[], dict[str, Any]]:
    """WTForms `choices` from a dict of lazy labels, translated each time a form is built.

    WTForms wants plain strings in a choices dict; a callable is resolved per form instance,
    so the labels follow the request's language.
    """

    from flask_babel import gettext

    def label(value: Any) -> str:
        # A plain string (a label also stored in the database) is looked up in the catalogue.
        return gettext(value) if isinstance(value, str) else str(value)

    def resolve() -> dict[str, Any]:
        return {
            key: {k: label(v) for k, v in value.items()}
            if isinstance(value, Mapping)
            else label(value)
            for key, value in choices.items()
        }

    return resolve
