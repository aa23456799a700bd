"""Shared by the translation tests: the messages marked in the sources, and catalogue helpers."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")
OPEN, CLOSE = "⟦", "⟧"


def _directories(path: str) -> bool:
    # Not Babel's default, which skips folders named _* (templates/_macros): as `make messages`.
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


@cache
def source_messages() -> tuple[str | tuple[str, ...], ...]:
    """Every msgid (a tuple for plurals) marked in consult/ and templates/, as `make messages`."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], None] = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_directories
    ):
        key = message if isinstance(message, str) else tuple(m for m in message if m)
        if key:
            found[key] = None
    return tuple(found)


def placeholders(text: str) -> set[str]:
    return {m.group(1) or m.group(0) for m in PLACEHOLDER.finditer(text)}


def write_pseudo_catalogue(directory: Path, language: str) -> None:
    """A compiled catalogue whose every translation is the English text between ⟦ and ⟧."""
    catalogue = Catalog(locale=language, fuzzy=False)
    for message in source_messages():
        if isinstance(message, str):
            catalogue.add(message, OPEN + message + CLOSE)
        else:
            catalogue.add(message, tuple(OPEN + m + CLOSE for m in message))
    target = directory / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalogue)
    (target / "messages.po").write_text("# pseudo catalogue: see tests/translations.py\n")
