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
from urllib.parse import urlencode

from flask import Response, current_app, g, has_request_context, request
from markupsafe import Markup

SOURCE_LANGUAGE = "en"
LANG_COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
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
    return chosen or visitor_locale()


def visitor_locale() -> str:
    """The language from the request alone (?lang=, cookie, Accept-Language): no database.

    The 503 page uses it, since the profile cannot be read when the database is down.
    """
    chosen = normalise(request.args.get("lang")) or normalise(request.cookies.get(LANG_COOKIE))
    if chosen is None:
        chosen = request.accept_languages.best_match(available_languages())
    return chosen or SOURCE_LANGUAGE


def select_timezone() -> str:
    return str(current_app.config["TIMEZONE"])


def language_name(code: str) -> str:
    """A language's name in that language, capitalised as in a menu: Deutsch, Français."""
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_links() -> list[dict[str, Any]]:
    """For the header switcher and `<link rel="alternate" hreflang>`: one entry per language.

    `switch` goes through the endpoint that remembers the choice (cookie, profile); `alternate`
    is this page with `?lang=` (a link that can be shared). Both drop any `lang` argument.
    """
    from flask import url_for

    current = current_language()
    # An error page names no address: a hidden page must answer exactly like a missing one.
    error = bool(g.get("error_page"))
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    path = request.path + ("?" + urlencode(args) if args else "")
    links = []
    for code in available_languages():
        query = urlencode([*args, ("lang", code)])
        links.append(
            {
                "code": code,
                "name": language_name(code),
                "current": code == current,
                "switch": url_for(
                    "accounts.choose_language", code=code, next=None if error else path
                ),
                "alternate": None if error else request.base_url + "?" + query,
            }
        )
    return links


def current_language() -> str:
    """The language the page is being rendered in, for `<html lang>`."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LANGUAGE


def lang_of(code: str | None) -> Markup:
    """` lang="xx"` for content in another language than the page's (WCAG 2.1 3.1.2, language
    of parts): English text of a document on a German page is read with English voice rules.
    Empty when the content's language is the page's or unknown."""
    if not code or code == current_language():
        return Markup("")
    return Markup(' lang="%s"') % code


def in_language(text: str, code: str | None) -> Markup:
    """The text (escaped), in a `<span lang>` when its language is not the page's: for titles
    inside translated sentences ("%(title)s, version %(number)s")."""
    attribute = lang_of(code)
    if not attribute:
        return Markup("%s") % text
    return Markup("<span%s>%s</span>") % (attribute, text)


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


def vary_on_language(response: Response) -> Response:
    """Pages differ by Accept-Language (and the lang cookie): caches must keep them apart."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def fresh_locale() -> None:
    """Choose the language anew for each request. Flask-Babel caches it on the application
    context, which tests (and CLI code issuing requests) share between requests."""
    from flask_babel import refresh

    refresh()
