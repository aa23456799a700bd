"""Pure helpers of moderation: passage replacement, CSV cell safety, comment-number parsing."""

from __future__ import annotations

import pytest

from consult.core.spreadsheets import safe_cell
from consult.moderation.proposals import replace_passage
from consult.moderation.revisions import parse_comment_numbers
from consult.moderation.services import ModerationError


@pytest.mark.parametrize(
    "body, quote, expected",
    [
        ("Keep the documentation up to date.", "documentation up", "Keep the NEW to date."),
        ("Keep the\ndocumentation   up to date.", "the documentation up", "Keep NEW to date."),
        ("Cost (EUR) and [links].", "(EUR) and [links]", "Cost NEW."),
        ("A b a b.", "a b", "A b NEW."),  # first exact-case occurrence only
        ("Keep the *documentation* up to date.", "the documentation up", "Keep NEW to date."),
    ],
)
def test_replace_passage_is_whitespace_insensitive(body, quote, expected):
    assert replace_passage(body, quote, " NEW ") == expected


@pytest.mark.parametrize("quote", ["", "   ", "not in the text"])
def test_replace_passage_none_when_not_found(quote):
    assert replace_passage("Keep the documentation up to date.", quote, "x") is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain, text", "plain, text"),
        ("", ""),
        (42, 42),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_parse_comment_numbers():
    assert parse_comment_numbers("#12, 57 103;9") == [12, 57, 103, 9]
    assert parse_comment_numbers("  ") == []
    assert parse_comment_numbers(None) == []
    with pytest.raises(ModerationError) as error:
        parse_comment_numbers("12, abc")
    assert error.value.field == "other_comments"
