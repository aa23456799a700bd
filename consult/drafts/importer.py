"""Markdown import: headings give the section tree, numbering and provision keys (pure code)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from consult.core.lazytext import lazy_gettext as _l
from consult.drafts.errors import ImportErrors
from consult.drafts.models import SECTION_BODY_MAX, SECTION_HEADING_MAX, SECTION_NUMBER_MAX

MAX_KEY = 40
MAX_NUMBER = SECTION_NUMBER_MAX
MAX_HEADING = SECTION_HEADING_MAX

# Heading words (lower case) -> section kind. Longest first so "open question" wins.
KIND_WORDS = (
    ("open question", "open_question"),
    ("commitment", "commitment"),
    ("paragraph", "paragraph"),
    ("measure", "measure"),
    ("recital", "recital"),
    ("chapter", "chapter"),
    ("section", "section"),
    ("annex", "annex"),
    ("part", "part"),
)
_ROMAN = r"[IVXLCDM]+"
NUMBER_PATTERNS = {
    "part": (rf"^(?:{_ROMAN}|\d+)$", _l("a Roman or Arabic numeral, e.g. 'Part II'")),
    "chapter": (rf"^(?:{_ROMAN}|\d+)$", _l("a Roman or Arabic numeral, e.g. 'Chapter 3'")),
    "commitment": (r"^\d+$", _l("a whole number, e.g. 'Commitment 2'")),
    "measure": (r"^\d+\.\d+$", _l("the commitment number, a dot and a number, e.g. 'Measure 2.3'")),
    "recital": (
        r"^(?:[A-Za-z]{1,3}|\([a-z]{1,3}\)|\d+)$",
        _l("a letter or number, e.g. 'Recital (a)'"),
    ),
    "open_question": (r"^\d+$", _l("a whole number, e.g. 'Open question 3'")),
    "annex": (rf"^(?:{_ROMAN}|\d+|[A-Z])$", _l("a Roman numeral, e.g. 'Annex I'")),
    "paragraph": (r"^\d+$", _l("a whole number, e.g. 'Paragraph 2'")),
    "section": (r"^\d+(?:\.\d+)*$", _l("numbers separated by dots, e.g. 'Section 1.2'")),
}
# Kinds whose heading may also be free text ("Part of the scope" is a plain heading).
OPTIONAL_NUMBER = {"part", "chapter", "section"}

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# An explicit provision key at the end of a heading: "## Verpflichtung 1: Dokumentation {#c1}".
# Translations use it where the heading's words (translated) would not give the source's key.
_EXPLICIT_KEY = re.compile(r"[ \t]*\{#([a-z0-9][a-z0-9-]{0,39})\}$")
_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
_SEPARATORS = " \t:." + _DASHES


@dataclass
class ParsedSection:
    """One heading of the import and the Markdown below it."""

    line: int
    level: int
    kind: str
    number: str
    heading: str
    key: str
    parent: int | None = None  # index into the parsed list
    depth: int = 0
    explicit_key: bool = False  # the key was written as "{#key}" after the heading
    body_lines: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.body_lines).strip("\n")


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:MAX_KEY].rstrip("-")


def number_error(kind: str, number: str) -> str | None:
    """Why `number` is not a valid number for a section of `kind` (None when it is)."""
    if not number:
        if kind in OPTIONAL_NUMBER or kind not in NUMBER_PATTERNS:
            return None
        return _(
            "A %(kind)s needs a number: %(hint)s.",
            kind=kind.replace("_", " "),
            hint=NUMBER_PATTERNS[kind][1],
        )
    if len(number) > MAX_NUMBER:
        return _("The number is longer than %(max)s characters.", max=MAX_NUMBER)
    pattern = NUMBER_PATTERNS.get(kind)
    if pattern and not re.match(pattern[0], number):
        return _(
            "'%(number)s' is not a valid %(kind)s number: use %(hint)s.",
            number=number,
            kind=kind.replace("_", " "),
            hint=pattern[1],
        )
    return None


def derive_key(kind: str, number: str, heading: str = "", parent_key: str | None = None) -> str:
    """The short URL key of a provision: Commitment 2 -> c2, Measure 2.3 -> c2-m3, ..."""
    n = number.strip("()").lower()
    if kind == "commitment":
        key = f"c{n}"
    elif kind == "measure":
        commitment, _sep, measure = n.partition(".")
        key = f"c{commitment}-m{measure}"
    elif kind == "open_question":
        key = f"q{n}"
    elif kind == "recital":
        key = f"r-{n}"
    elif kind == "annex":
        key = f"annex-{n}"
    elif kind == "paragraph":
        key = f"{parent_key}-p{n}" if parent_key else f"p{n}"
    elif kind in {"part", "chapter"} and n:
        key = f"{kind}-{n}"
    elif kind == "section" and n:
        key = "s" + n.replace(".", "-")
    else:
        key = slugify(heading) or "section"
    return key[:MAX_KEY]


def split_heading(text: str) -> tuple[str, str, str]:
    """(kind, number, title) of a heading's text; plain headings are kind "section"."""
    lowered = text.lower()
    for word, kind in KIND_WORDS:
        if lowered.startswith(word) and (len(text) == len(word) or not text[len(word)].isalnum()):
            rest = text[len(word) :].strip()
            if rest[:1] and rest[0] in ":" + _DASHES:  # "Commitment: Documentation" has no number
                number, title = "", rest
            else:
                token, _sep, title = rest.partition(" ")
                number = token.rstrip(":." + _DASHES)
            if kind in OPTIONAL_NUMBER and number_error(kind, number):
                return "section", "", text
            return kind, number, title.lstrip(_SEPARATORS).rstrip()
    return "section", "", text


def _measure_error(section: ParsedSection, parsed: list[ParsedSection]) -> str | None:
    # Under a heading keyed explicitly as its commitment ("## Verpflichtung 1 {#c1}"): fine.
    wanted, index = f"c{section.number.split('.')[0]}", section.parent
    while index is not None:
        if parsed[index].explicit_key and parsed[index].key == wanted:
            return None
        index = parsed[index].parent
    commitment = _ancestor(section, parsed, "commitment")
    if commitment is None:
        return _(
            "Measure %(number)s is not inside a commitment: put it under "
            "'## Commitment %(commitment)s: ...'.",
            number=section.number,
            commitment=section.number.split(".")[0],
        )
    if section.number.split(".")[0] != commitment.number:
        return _(
            "Measure %(number)s is inside Commitment %(commitment)s (line %(line)s): "
            "its number must start with '%(commitment)s.'.",
            number=section.number,
            commitment=commitment.number,
            line=commitment.line,
        )
    return None


def _ancestor(
    section: ParsedSection, parsed: list[ParsedSection], kind: str
) -> ParsedSection | None:
    index = section.parent
    while index is not None:
        if parsed[index].kind == kind:
            return parsed[index]
        index = parsed[index].parent
    return None


def parse_markdown(text: str, body_max: int = SECTION_BODY_MAX) -> list[ParsedSection]:
    """Parse a whole draft; raise ImportErrors with every line at fault (nothing half-parsed)."""
    errors: list[tuple[int, str]] = []
    parsed: list[ParsedSection] = []
    stack: list[int] = []  # indexes of the open ancestors
    keys: dict[str, int] = {}
    fence: str | None = None
    text_before_reported = False

    for line_no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        fence_match = _FENCE.match(raw)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0]
            elif marker[0] == fence:
                fence = None
        heading_match = None if fence or fence_match else _HEADING.match(raw)
        if heading_match is None:
            if parsed:
                parsed[-1].body_lines.append(raw)
            elif raw.strip() and not text_before_reported:
                errors.append((line_no, _("There is text before the first heading.")))
                text_before_reported = True
            continue

        level = len(heading_match.group(1))
        content = (heading_match.group(2) or "").strip()
        if not content:
            errors.append((line_no, _("The heading is empty.")))
            content = "(empty)"
        explicit = _EXPLICIT_KEY.search(content)
        if explicit:
            content = content[: explicit.start()].rstrip() or "(empty)"
        previous_level = parsed[-1].level if parsed else 1
        if not parsed and level > 2:
            errors.append((line_no, _("The first heading must be '#' or '##'.")))
        elif parsed and level > previous_level + 1:
            errors.append(
                (
                    line_no,
                    _(
                        "A heading level is skipped: '%(level)s' follows '%(previous)s' "
                        "(use '%(expected)s').",
                        level="#" * level,
                        previous="#" * previous_level,
                        expected="#" * (previous_level + 1),
                    ),
                )
            )

        while stack and parsed[stack[-1]].level >= level:
            stack.pop()
        parent = stack[-1] if stack else None
        kind, number, title = split_heading(content)
        problem = number_error(kind, number)
        if problem:
            errors.append((line_no, problem))
        if len(title) > MAX_HEADING:
            errors.append(
                (line_no, _("The heading is longer than %(max)s characters.", max=MAX_HEADING))
            )
        parent_key = parsed[parent].key if parent is not None else None
        section = ParsedSection(
            line=line_no,
            level=level,
            kind=kind,
            number=number,
            heading=title,
            key=derive_key(kind, number, title, parent_key),
            parent=parent,
            depth=parsed[parent].depth + 1 if parent is not None else 0,
        )
        if explicit:
            section.key = explicit.group(1)
            section.explicit_key = True
        parsed.append(section)
        stack.append(len(parsed) - 1)
        if kind == "measure" and not problem:
            measure_problem = _measure_error(section, parsed)
            if measure_problem:
                errors.append((line_no, measure_problem))
        if kind == "paragraph" and parent is None:
            errors.append((line_no, _("A paragraph heading must be inside another section.")))
        if not problem and kind == "section" and not number and not section.explicit_key:
            # Plain headings ("Background") may repeat: their keys get a counter.
            base, counter = section.key, 2
            while section.key in keys:
                section.key, counter = f"{base[: MAX_KEY - 4]}-{counter}", counter + 1
            keys[section.key] = line_no
        elif not problem:
            if section.key in keys:
                label = f"{kind.replace('_', ' ').capitalize()} {number}".strip()
                errors.append(
                    (
                        line_no,
                        _(
                            "Duplicate: %(label)s is already at line %(line)s.",
                            label=label,
                            line=keys[section.key],
                        ),
                    )
                )
            else:
                keys[section.key] = line_no

    if fence is not None:
        errors.append((len(text.splitlines()) or 1, _("A code block is not closed.")))
    errors += [
        (
            section.line,
            _("The text under this heading is longer than %(max)s characters.", max=body_max),
        )
        for section in parsed
        if len(section.body) > body_max
    ]

    if not parsed and not errors:
        errors.append((1, _("There are no headings: start with '## Commitment 1: ...'.")))
    if errors:
        raise ImportErrors(errors)
    return parsed


KIND_LABELS = {kind: word.capitalize() for word, kind in KIND_WORDS}


def heading_text(kind: str, number: str, heading: str) -> str:
    """The heading line's text that parses back to the same kind, number and title."""
    if kind == "section" and not number:
        return heading
    label = f"{KIND_LABELS.get(kind, kind.capitalize())} {number}".strip()
    return f"{label}: {heading}" if heading else label


def _escape_headings(body: str) -> str:
    """Body lines that look like headings get a backslash (rendered the same, read as text)."""
    lines, fence = [], False
    for line in body.split("\n"):
        if _FENCE.match(line):
            fence = not fence
        elif not fence and _HEADING.match(line):
            indent = len(line) - len(line.lstrip(" "))
            line = line[:indent] + "\\" + line[indent:]
        lines.append(line)
    return "\n".join(lines)


def to_markdown(sections: list[Any]) -> str:
    """A version as Markdown that `parse_markdown` reads back to the same tree and keys."""
    top_kinds = {s.kind for s in sections if s.depth == 0}
    base = 1 if top_kinds & {"part", "chapter", "annex"} else 2
    if sections and max(s.depth for s in sections) + base > 6:
        base = 1
    out: list[str] = []
    for section in sections:
        out.append(
            "#" * min(6, section.depth + base)
            + " "
            + heading_text(section.kind, section.number, section.heading)
        )
        out.append("")
        if section.body.strip():
            out.extend([_escape_headings(section.body.rstrip()), ""])
    return "\n".join(out).rstrip() + "\n"
