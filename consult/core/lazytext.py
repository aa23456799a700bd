"""Lazy translated strings that HTML-escape like plain strings do.

Flask-Babel's `LazyString.__html__` returns the text unescaped, so a lazy form label or
validator message with an apostrophe or an ampersand would reach the page raw, unlike the
same text as a `str`. Form labels, validators' messages and module-level labels use this
`lazy_gettext` (imported as `_l`; `make messages` extracts `_l`).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import escape


class EscapedLazyString(LazyString):
    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables: Any) -> Any:
    """Like `flask_babel.lazy_gettext`, but escaped when rendered in a template."""
    return EscapedLazyString(gettext, string, **variables)
