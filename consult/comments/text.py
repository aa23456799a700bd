"""Matching a quoted passage against a provision's text, whitespace-insensitively."""

from __future__ import annotations

import html
import re
from typing import Any

import bleach

from consult.core import text

_SPACE = re.compile(r"\s+")


def normalise_space(value: str) -> str:
    """Collapse runs of whitespace (line breaks from copying) to single spaces."""
    return _SPACE.sub(" ", value or "").strip()


def plain_text(section: Any) -> str:
    """The section as a reader sees it: heading and rendered body without markup."""
    rendered = str(text.render(section.body))
    # Block boundaries become spaces, so a selection spanning list items still matches.
    rendered = re.sub(r"<(/?)(p|li|h\d|tr|td|th|blockquote|pre|br)\b[^>]*>", " ", rendered)
    stripped = html.unescape(bleach.clean(rendered, tags=set(), strip=True))
    return normalise_space(f"{section.heading} {stripped}")


def passage_occurs(passage: str, section: Any) -> bool:
    """True if `passage` occurs verbatim in the section's text, as written or as displayed."""
    wanted = normalise_space(passage)
    if not wanted:
        return True
    source = normalise_space(f"{section.heading} {section.body}")
    return wanted in source or wanted in plain_text(section)
