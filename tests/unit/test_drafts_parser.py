"""The Markdown import parser: the tree, numbering and keys, and refusals with line numbers."""

from __future__ import annotations

import pytest

from consult.drafts.errors import ImportErrors
from consult.drafts.importer import derive_key, parse_markdown, split_heading

GOOD = """# Part I: Transparency

## Recital (a)

Whereas providers of general-purpose AI models have a particular role.

## Commitment 1: Documentation

Signatories commit to documenting their models.

### Measure 1.1 Drawing up the documentation

1. Signatories shall draw up documentation covering:
   (a) the architecture of the model;
   (b) the training process.
2. They shall keep it up to date.

### Measure 1.2: Providing information

Upon request, within 14 days.

## Commitment 2 \u2013 Copyright policy

### Measure 2.1. Policy

Text of 2.1.

```
## Not a heading inside a code block
```

## Open question 3

Should the documentation be public?

# Annex I: Documentation form

Table.
"""


def test_good_import_gives_tree_numbers_keys_and_bodies():
    parsed = parse_markdown(GOOD)
    summary = [(s.line, s.kind, s.number, s.key, s.depth) for s in parsed]
    assert summary == [
        (1, "part", "I", "part-i", 0),
        (3, "recital", "(a)", "r-a", 1),
        (7, "commitment", "1", "c1", 1),
        (11, "measure", "1.1", "c1-m1", 2),
        (18, "measure", "1.2", "c1-m2", 2),
        (22, "commitment", "2", "c2", 1),
        (24, "measure", "2.1", "c2-m1", 2),
        (32, "open_question", "3", "q3", 1),
        (36, "annex", "I", "annex-i", 0),
    ]
    by_key = {s.key: s for s in parsed}
    assert by_key["c1-m1"].heading == "Drawing up the documentation"
    assert by_key["c2"].heading == "Copyright policy"
    assert by_key["c2-m1"].heading == "Policy"
    # Numbered paragraphs and lettered points are kept verbatim.
    assert by_key["c1-m1"].body == (
        "1. Signatories shall draw up documentation covering:\n"
        "   (a) the architecture of the model;\n"
        "   (b) the training process.\n"
        "2. They shall keep it up to date."
    )
    # A heading inside a fenced code block is body text.
    assert "## Not a heading" in by_key["c2-m1"].body
    assert parsed[by_key["c1-m2"].parent].key == "c1"  # type: ignore[index]
    assert by_key["part-i"].parent is None and by_key["annex-i"].parent is None


def test_plain_headings_are_sections_with_unique_slugs():
    parsed = parse_markdown("## Background\n\nA\n\n## Background\n\nB\n\n## Part of the scope\n")
    assert [(s.kind, s.key) for s in parsed] == [
        ("section", "background"),
        ("section", "background-2"),
        ("section", "part-of-the-scope"),
    ]


@pytest.mark.parametrize(
    ("kind", "number", "key"),
    [
        ("commitment", "2", "c2"),
        ("measure", "2.3", "c2-m3"),
        ("recital", "(a)", "r-a"),
        ("recital", "B", "r-b"),
        ("open_question", "3", "q3"),
        ("annex", "I", "annex-i"),
        ("part", "II", "part-ii"),
        ("section", "1.2", "s1-2"),
    ],
)
def test_keys_from_kind_and_number(kind, number, key):
    assert derive_key(kind, number) == key


def test_paragraph_key_nests_under_its_parent():
    assert derive_key("paragraph", "2", parent_key="c1-m1") == "c1-m1-p2"


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Commitment 1: Documentation", ("commitment", "1", "Documentation")),
        ("Measure 1.1 Keeping it", ("measure", "1.1", "Keeping it")),
        ("measure 1.1. Lower case", ("measure", "1.1", "Lower case")),
        ("Open question 3", ("open_question", "3", "")),
        ("Annex I \u2013 Form", ("annex", "I", "Form")),
        ("Commitments of signatories", ("section", "", "Commitments of signatories")),
        ("Commitment: no number", ("commitment", "", "no number")),
    ],
)
def test_split_heading(heading, expected):
    assert split_heading(heading) == expected


def _errors(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ImportErrors) as caught:
        parse_markdown(text)
    return caught.value.errors


def test_text_before_first_heading():
    errors = _errors("\nIntroductory words.\n\n## Commitment 1: A\n")
    assert errors == [(2, "There is text before the first heading.")]


def test_skipped_heading_level():
    errors = _errors("## Commitment 1: A\n\n#### Measure 1.1 B\n")
    assert [line for line, _ in errors] == [3]
    assert "skipped" in errors[0][1] and "'###'" in errors[0][1]


def test_first_heading_too_deep():
    assert _errors("### Measure 1.1 A\n")[0][0] == 1


def test_duplicate_numbers_name_the_first_line():
    errors = _errors("## Commitment 1: A\n\n### Measure 1.1 X\n\n### Measure 1.1 Y\n")
    assert errors == [(5, "Duplicate: Measure 1.1 is already at line 3.")]


def test_measure_must_match_its_commitment():
    errors = _errors("## Commitment 1: A\n### Measure 2.1 X\n## Commitment 2: B\n")
    assert errors[0][0] == 2
    assert "must start with '1.'" in errors[0][1]


def test_measure_outside_any_commitment():
    errors = _errors("## Measure 1.1 Alone\n")
    assert errors[0][0] == 1 and "not inside a commitment" in errors[0][1]


def test_empty_heading_and_bad_numbers():
    errors = _errors("## Commitment 1: A\n##\n## Commitment two\n## Open question\n")
    assert [line for line, _ in errors] == [2, 3, 4]
    assert errors[0][1] == "The heading is empty."
    assert "'two' is not a valid commitment number" in errors[1][1]
    assert "needs a number" in errors[2][1]


def test_every_fault_is_reported_in_line_order():
    text = "Intro\n## Commitment 1: A\n#### Measure 1.1\n## Commitment 1: B\n```\n"
    errors = _errors(text)
    assert [line for line, _ in errors] == [1, 3, 4, 5]
    assert "not closed" in errors[-1][1]


def test_no_headings_at_all():
    assert _errors("") == [(1, "There are no headings: start with '## Commitment 1: ...'.")]


def test_windows_line_endings():
    parsed = parse_markdown("## Commitment 1: A\r\n\r\nBody\r\n### Measure 1.1 B\r\n")
    assert [s.key for s in parsed] == ["c1", "c1-m1"] and parsed[0].body == "Body"


def test_error_message_lists_lines():
    with pytest.raises(ImportErrors) as caught:
        parse_markdown("x\n## Commitment 1: A\n## Commitment 1: B\n")
    assert str(caught.value).startswith("The text could not be imported. Line 1:")
    assert "Line 3: Duplicate" in str(caught.value)


def test_export_round_trip_escapes_heading_like_lines():
    from types import SimpleNamespace

    from consult.drafts.importer import to_markdown

    sections = [
        SimpleNamespace(kind="commitment", number="1", heading="A", depth=0, body="Intro"),
        SimpleNamespace(
            kind="measure", number="1.1", heading="", depth=1, body="# not a heading\n1. Text"
        ),
        SimpleNamespace(kind="open_question", number="2", heading="", depth=0, body="Why?"),
    ]
    text = to_markdown(sections)
    assert "### Measure 1.1\n" in text and "\\# not a heading" in text
    parsed = parse_markdown(text)
    assert [(p.key, p.depth) for p in parsed] == [("c1", 0), ("c1-m1", 1), ("q2", 0)]
    assert parsed[1].body == "\\# not a heading\n1. Text"
