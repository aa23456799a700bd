"""Markdown rendering: user text can never carry script, and links get rel="nofollow"."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from consult.core.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, excerpt, render

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](<javascript:alert(1)>)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<https://ok.eu/" onmouseover="alert(1)>',
    "javascript:alert(1) written as plain text",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://ok.eu/x.png" onerror="alert(1))',
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.eu" onclick="alert(1)">x</a>',
    '[a](https://ok.eu "title" onmouseover="alert(1)")',
    '[a](https://ok.eu "x\\" onmouseover=\\"alert(1)")',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "[[x](javascript:alert(1))](https://ok.eu)",
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<object data="javascript:alert(1)"></object>',
    "<base href=javascript:alert(1)//>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "[x](file:///etc/passwd)",
    "`<script>alert(1)</script>` and\n\n    <script>alert(2)</script>",
    "https://ok.eu/?q=<script>alert(1)</script>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
]
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<math" not in lowered
    assert "<iframe" not in lowered and "<img" not in lowered and "<style" not in lowered
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert name in ALLOWED_ATTRIBUTES.get(tag, []), (tag, name)
            assert not name.startswith("on")
            if name == "href":
                assert value and value.strip().lower().startswith(SAFE_SCHEMES), value
        if tag == "a" and not (attrs.get("href") or "").startswith("mailto:"):
            assert "nofollow" in (attrs.get("rel") or "").split()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_rendered_harmless(payload):
    assert_harmless(str(render(payload)))


def test_there_are_enough_payloads():
    assert len(XSS_PAYLOADS) >= 25


def test_script_text_is_shown_escaped_not_dropped():
    html = str(render("<script>alert(1)</script>"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[the AI Pact](https://digital-strategy.ec.europa.eu/en/policies/ai-pact)",
        "See https://digital-strategy.ec.europa.eu/en/policies/ai-pact for details.",
        "<https://digital-strategy.ec.europa.eu/en/policies/ai-pact>",
    ],
)
def test_links_are_kept_and_marked_nofollow(source):
    html = str(render(source))
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert len(links) == 1
    assert links[0]["href"].startswith(SAFE_SCHEMES)
    assert links[0]["rel"] == "nofollow"


def test_mailto_links_are_kept():
    html = str(render("Write to [the office](mailto:office@consult.eu)."))
    assert '<a href="mailto:office@consult.eu">the office</a>' in html


def test_ordinary_markdown_survives():
    html = str(
        render(
            "# Heading\n\n**bold** *em* ~~gone~~\n\n1. one\n2. two\n\n> quote\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```"
        )
    )
    expected = ["<h3>Heading</h3>", "<strong>bold</strong>", "<em>em</em>", "<s>gone</s>"]
    expected += ["<ol>", "<blockquote>", "<table>", "<th>a</th>", "<pre><code>code"]
    for fragment in expected:
        assert fragment in html
    assert "<h1" not in html  # headings never compete with the page's own


def test_render_returns_markup_and_handles_empty():
    assert isinstance(render("x"), Markup)
    assert render(None) == Markup("") and render("") == Markup("")


def test_excerpt_is_plain_and_short():
    assert excerpt("a  b\n\nc") == "a b c"
    long = excerpt("word " * 100, length=20)
    assert len(long) <= 20 and long.endswith("…")
