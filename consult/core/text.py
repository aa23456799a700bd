"""The one place user text becomes HTML: Markdown (raw HTML off) then bleach."""

from __future__ import annotations

from functools import lru_cache

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
        "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
# Headings inside user text must not compete with the page's own h1/h2.
_rules = _md.renderer.rules  # type: ignore[attr-defined]
_rules["heading_open"] = lambda tokens, idx, options, env: (
    f"<h{min(6, int(tokens[idx].tag[1]) + 2)}>"
)
_rules["heading_close"] = lambda tokens, idx, options, env: (
    f"</h{min(6, int(tokens[idx].tag[1]) + 2)}>"
)

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[
        lambda source: bleach.linkifier.LinkifyFilter(
            source, callbacks=[bleach.callbacks.nofollow], skip_tags={"pre", "code"}
        )
    ],
)


@lru_cache(maxsize=20_000)
def _render(source: str) -> str:
    return str(_cleaner.clean(_md.render(source)))


def render(source: str | None) -> Markup:
    """Render user Markdown to sanitised HTML; the only output `|safe` may be applied to."""
    if not source:
        return Markup("")
    # Pure function of its input, so a per-process cache holds no state other workers need.
    return Markup(_render(source))  # noqa: S704 - sanitised by bleach above


INLINE_TAGS = frozenset({"a", "abbr", "code", "del", "em", "s", "strong", "sub", "sup"})
_inline_cleaner = bleach.Cleaner(
    tags=INLINE_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS, strip=True
)


@lru_cache(maxsize=20_000)
def _render_excerpt(source: str, length: int) -> str:
    return str(_inline_cleaner.clean(_md.renderInline(excerpt(source, length))))


def render_excerpt(source: str | None, length: int = 160) -> Markup:
    """A one-paragraph preview with its emphasis, code and links rendered (then bleached)."""
    if not source:
        return Markup("")
    return Markup(_render_excerpt(source, length))  # noqa: S704 - sanitised by bleach above


def excerpt(source: str | None, length: int = 160) -> str:
    """Plain-text preview (for e-mails, lists); escaped by Jinja like any other string."""
    text = " ".join((source or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
