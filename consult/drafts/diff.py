"""Word-level diff and the comparison of two versions, provisions aligned by identity."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import bleach
from markupsafe import Markup, escape

from consult.core import text
from consult.core.lazytext import lazy_gettext as _l

STATUSES = ("added", "removed", "moved", "renumbered", "edited", "unchanged")
STATUS_LABELS = {
    "added": _l("Added"),
    "removed": _l("Removed"),
    "moved": _l("Moved"),
    "renumbered": _l("Renumbered"),
    "edited": _l("Edited"),
    "unchanged": _l("Unchanged"),
}
# Words, single punctuation marks and runs of whitespace: "Annex I." -> "Annex", " ", "I", "."
_TOKEN = re.compile(r"\s+|[\w'\u2019-]+|[^\w\s]")


def tokens(text: str) -> list[str]:
    """Words, punctuation and whitespace, so joining the tokens gives the text back."""
    return _TOKEN.findall(text or "")


def _wrap(tag: str, label: str, words: list[str]) -> str:
    """Mark changed words. Added whitespace at either end stays outside <ins>; removed
    whitespace stays inside <del> so the struck-out words keep their spacing."""
    if not "".join(words).strip():
        return "" if tag == "del" else "".join(words)  # a change of whitespace only
    start, end = 0, len(words)
    if tag == "ins":
        while words[start].isspace():
            start += 1
        while words[end - 1].isspace():
            end -= 1
    inner = "".join(str(escape(word)) for word in words[start:end])
    lead, trail = "".join(words[:start]), "".join(words[end:])
    hidden = f'<span class="govuk-visually-hidden">{label}: </span>'
    return f"{lead}<{tag}>{hidden}{inner}</{tag}>{trail}"


def word_diff(old: str, new: str) -> Markup:
    """Inline diff of two texts: removed words in <del>, added ones in <ins>, all escaped.

    Each change also carries visually-hidden text ("removed:", "added:") so the difference
    is announced by screen readers and never shown by colour alone.
    """
    a, b = tokens(old), tokens(new)
    out: list[str] = []
    # Whitespace tokens are junk: they never anchor a match (a lone space common to two
    # different sentences would split a rewrite into word-by-word alternations), which also
    # spares the matcher most of its work.
    matcher = SequenceMatcher(str.isspace, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(str(escape(word)) for word in b[j1:j2])
            continue
        if op in {"delete", "replace"}:
            out.append(_wrap("del", "removed", a[i1:i2]))
        if op in {"insert", "replace"}:
            out.append(_wrap("ins", "added", b[j1:j2]))
    return Markup("".join(out))  # noqa: S704 - every token escaped above


# Rendered HTML as tokens: tags, character references, then the words of the text between them.
_HTML_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|\s+|[\w'\u2019-]+|[^\w\s<&]+|[<&]")
_DIFF_CLEANER = bleach.Cleaner(
    tags=set(text.ALLOWED_TAGS) | {"ins", "span"},
    attributes={**text.ALLOWED_ATTRIBUTES, "span": ["class"]},
    protocols=text.ALLOWED_PROTOCOLS,
    strip=True,
)


def _is_tag(token: str) -> bool:
    return token.startswith("<")


def _mark(tag: str, label: str, run: list[str]) -> list[str]:
    """Wrap each stretch of text between tags in <ins>/<del>, keeping the tags outside."""
    out: list[str] = []
    words: list[str] = []
    for token in [*run, ""]:
        if token and not _is_tag(token):
            words.append(token)
            continue
        if words:
            out.append(_wrap_html(tag, label, words))
            words = []
        if token and tag == "ins":  # the new text's structure is kept, the old one's dropped
            out.append(token)
    return out


def _wrap_html(tag: str, label: str, words: list[str]) -> str:
    """Like _wrap, for tokens that are already HTML-escaped (rendered text)."""
    if not "".join(words).strip():
        return "" if tag == "del" else "".join(words)
    start, end = 0, len(words)
    if tag == "ins":  # added whitespace at either end stays outside <ins>
        while words[start].isspace():
            start += 1
        while words[end - 1].isspace():
            end -= 1
    hidden = f'<span class="govuk-visually-hidden">{label}: </span>'
    inner = "".join(words[start:end])
    return f"{''.join(words[:start])}<{tag}>{hidden}{inner}</{tag}>{''.join(words[end:])}"


def rendered_diff(old: str, new: str) -> Markup:
    """Both Markdown texts rendered (and bleached), then diffed word by word inside the HTML.

    The result is the new text as readers see it, with removed words in <del> and added ones
    in <ins> where they occur; the whole is bleached again so the markup stays balanced and safe.
    """
    a = _HTML_TOKEN.findall(str(text.render(old)))
    b = _HTML_TOKEN.findall(str(text.render(new)))
    out: list[str] = []
    matcher = SequenceMatcher(str.isspace, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(b[j1:j2])
            continue
        if op in {"delete", "replace"}:
            out.extend(_mark("del", "removed", a[i1:i2]))
        if op in {"insert", "replace"}:
            out.extend(_mark("ins", "added", b[j1:j2]))
    return Markup(_DIFF_CLEANER.clean("".join(out)))  # noqa: S704 - bleached just above


@dataclass
class Row:
    """One provision in a comparison: its section in each version and what changed."""

    provision_id: int
    old: Any = None
    new: Any = None
    flags: set[str] = field(default_factory=set)
    heading_diff: Markup = field(default_factory=Markup)
    body_diff: Markup = field(default_factory=Markup)

    @property
    def status(self) -> str:
        for status in STATUSES:
            if status in self.flags:
                return status
        return "unchanged"

    @property
    def section(self) -> Any:
        return self.new if self.new is not None else self.old

    @property
    def key(self) -> str:
        return str(self.section.provision.key)


@dataclass
class Comparison:
    old: Any
    new: Any
    rows: list[Row]
    counts: dict[str, int]

    @property
    def changed_rows(self) -> list[Row]:
        return [row for row in self.rows if row.status != "unchanged"]


def _stable(sequence: list[int]) -> set[int]:
    """Indexes of a longest increasing subsequence: the provisions that did not move."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(sequence)
    for i, value in enumerate(sequence):
        pos = bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[pos] = value
            tail_index[pos] = i
        previous[i] = tail_index[pos - 1] if pos else -1
    keep: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    return keep


def compare_sections(
    old_version: Any, new_version: Any, old: list[Any], new: list[Any]
) -> Comparison:
    """Align two versions' sections (each in document order) by provision identity."""
    old_by_provision = {s.provision_id: s for s in old}
    new_by_provision = {s.provision_id: s for s in new}
    old_parent = {s.id: s.provision_id for s in old}
    new_parent = {s.id: s.provision_id for s in new}
    old_index = {s.provision_id: i for i, s in enumerate(old)}

    # Within each parent, siblings that kept their parent and their relative order did not
    # move; children travelling with a moved parent are not "moved" themselves.
    siblings: dict[int | None, list[Any]] = {}
    for s in new:
        before = old_by_provision.get(s.provision_id)
        if before is None:
            continue
        parent_now = new_parent.get(s.parent_id) if s.parent_id else None
        parent_before = old_parent.get(before.parent_id) if before.parent_id else None
        if parent_now == parent_before:
            siblings.setdefault(parent_now, []).append(s)
    unmoved: set[int] = set()
    for group in siblings.values():
        in_order = _stable([old_index[s.provision_id] for s in group])
        unmoved.update(s.provision_id for i, s in enumerate(group) if i in in_order)

    rows: list[Row] = []
    row_of: dict[int, Row] = {}
    for section in new:
        before = old_by_provision.get(section.provision_id)
        row = Row(provision_id=section.provision_id, old=before, new=section)
        if before is None:
            row.flags.add("added")
            row.heading_diff = escape(section.heading)
        else:
            parent_before = old_parent.get(before.parent_id) if before.parent_id else None
            parent_now = new_parent.get(section.parent_id) if section.parent_id else None
            if parent_before != parent_now or section.provision_id not in unmoved:
                row.flags.add("moved")
            if (before.number, before.kind) != (section.number, section.kind):
                row.flags.add("renumbered")
            if before.heading != section.heading or before.body != section.body:
                row.flags.add("edited")
            if before.heading != section.heading:
                row.heading_diff = word_diff(before.heading, section.heading)
            else:
                row.heading_diff = escape(section.heading)
            if before.body != section.body:
                row.body_diff = rendered_diff(before.body, section.body)
        rows.append(row)
        row_of[section.provision_id] = row

    # Removed provisions go just after the nearest earlier provision that is still there.
    anchor: int | None = None
    inserts: dict[int | None, list[Row]] = {}
    for section in old:
        if section.provision_id in new_by_provision:
            anchor = section.provision_id
            continue
        row = Row(provision_id=section.provision_id, old=section, flags={"removed"})
        row.heading_diff = escape(section.heading)
        inserts.setdefault(anchor, []).append(row)
    ordered: list[Row] = list(inserts.get(None, []))
    for row in rows:
        ordered.append(row)
        ordered.extend(inserts.get(row.provision_id, []))

    counts = {status: 0 for status in STATUSES}
    for row in ordered:
        for flag in row.flags or {"unchanged"}:
            counts[flag] += 1
    return Comparison(old=old_version, new=new_version, rows=ordered, counts=counts)
