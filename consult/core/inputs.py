"""Input hygiene for every form: no NUL bytes anywhere, no control characters in one-line fields."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from wtforms.validators import ValidationError

from consult.core.lazytext import lazy_gettext as _l

# C0 controls except tab, newline and carriage return, plus DEL and the C1 range.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a single-line field (a name, a subject) line breaks are controls too: they end up in headers.
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

NUL_MESSAGE = _l(
    "The request contained a NUL character, which no text may hold, so nothing was saved. "
    "Go back, remove it and send it again."
)


class SingleLine:
    """A WTForms validator: no line breaks, tabs or other control characters."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _l("Use one line without line breaks or control characters.")

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and _LINE_CONTROL.search(field.data):
            raise ValidationError(self.message)


def has_control(text: str, single_line: bool = False) -> bool:
    """True when `text` holds a control character (line breaks count when `single_line`)."""
    return bool((_LINE_CONTROL if single_line else _CONTROL).search(text))


def _has_nul(values: Any) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def register_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_nul() -> None:
        # PostgreSQL cannot store NUL in text and SQLite truncates at it in some drivers: a
        # NUL anywhere (path, query or form) is refused before a view or the database sees it.
        if "\x00" in request.path or _has_nul(request.args):
            abort(404 if "\x00" in request.path else 400, NUL_MESSAGE)
        if request.method not in {"GET", "HEAD", "OPTIONS"} and _has_nul(request.form):
            abort(400, NUL_MESSAGE)
