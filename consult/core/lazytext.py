"""Lazy translated strings that HTML-escape like plain strings do.

Flask-Babel's `LazyString.__html__` returns the text unescaped, so a lazy form label or
validator message with an apostrophe or an ampersand would reach the page raw, unlike the
same text as a `str`. Form labels, validators' messages and module-level labels use this
`lazy_gettext` (imported as `_l`; `make messages` extracts `_l`).

Keyword arguments are kept and formatted only when the string is rendered, in the locale in
force then: `_l("%(title)s: version %(n)s published", title=..., n=...)` queued as an e-mail
subject is translated and formatted inside the recipient's `force_locale`. The formatting is
plain `%` (no escaping), right for a plain-text subject; in a template the whole result is
escaped by `__html__`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, ngettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


class EscapedLazyString(LazyString):
    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables: Any) -> Any:
    """Like `flask_babel.lazy_gettext`, but escaped when rendered in a template."""
    return EscapedLazyString(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> Any:
    """Like `lazy_gettext`, with a plural form chosen for `num` at render time."""
    return EscapedLazyString(ngettext, singular, plural, num, **variables)
