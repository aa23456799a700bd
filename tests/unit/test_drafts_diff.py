"""Word diff and version comparison on hand-made cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from consult.drafts.diff import compare_sections, tokens, word_diff

ADD = '<ins><span class="govuk-visually-hidden">added: </span>'
DEL = '<del><span class="govuk-visually-hidden">removed: </span>'


def test_tokens_keep_the_text():
    text = "1. Signatories  shall\n   (a) keep it;"
    assert "".join(tokens(text)) == text


def test_identical_texts_have_no_marks():
    assert word_diff("Keep it up to date.", "Keep it up to date.") == "Keep it up to date."


def test_inserted_word():
    assert word_diff("keep documentation", "keep full documentation") == (
        f"keep {ADD}full</ins> documentation"
    )


def test_deleted_word():
    assert word_diff("keep the documentation", "keep documentation") == (
        f"keep {DEL}the </del>documentation"
    )


def test_replaced_word():
    assert word_diff("within 14 days", "within 30 days") == (
        f"within {DEL}14</del>{ADD}30</ins> days"
    )


def test_a_rewritten_phrase_is_one_change_not_word_by_word():
    # The spaces between the words are common to both texts; they must not anchor matches.
    assert word_diff(
        "The provider shall publish a summary of the data.",
        "The provider must release an overview of the data.",
    ) == (
        f"The provider {DEL}shall publish a summary</del>{ADD}must release an overview</ins>"
        " of the data."
    )


def test_everything_new():
    assert word_diff("", "New text") == f"{ADD}New text</ins>"
    assert word_diff("Old text", "") == f"{DEL}Old text</del>"


def test_punctuation_is_its_own_token():
    assert word_diff("Annex I.", "Annex I, and more.") == f"Annex I{ADD}, and more</ins>."


def test_whitespace_only_change_is_not_marked():
    assert word_diff("a  b", "a b") == "a b"


def test_markup_in_text_is_escaped():
    result = word_diff("<b>x</b> & y", "<script>alert(1)</script> & y")
    assert isinstance(result, Markup)
    assert "<script" not in result and "<b>" not in result and "</b>" not in result
    assert "&lt;" in result and "&gt;" in result and "&amp; y" in result
    assert word_diff("a < b", "a < c") == f"a &lt; {DEL}b</del>{ADD}c</ins>"


def test_lettered_points_diff_line_by_line():
    old = "1. Signatories shall:\n   (a) document;\n   (b) publish."
    new = "1. Signatories shall:\n   (a) document;\n   (b) publish a summary."
    assert word_diff(old, new) == (
        f"1. Signatories shall:\n   (a) document;\n   (b) publish {ADD}a summary</ins>."
    )


# --- comparison --------------------------------------------------------------------------


@dataclass
class P:
    key: str


@dataclass
class S:
    id: int
    provision_id: int
    kind: str
    number: str
    heading: str = ""
    body: str = ""
    parent_id: int | None = None
    depth: int = 0
    provision: P = field(default_factory=lambda: P("k"))


def test_comparison_flags_and_order():
    old = [
        S(1, 10, "commitment", "1", "Docs"),
        S(2, 11, "measure", "1.1", "Draw up", "text", parent_id=1),
        S(3, 12, "measure", "1.2", "Share", "share it", parent_id=1),
        S(4, 13, "measure", "1.3", "Gone", "bye", parent_id=1),
        S(5, 20, "commitment", "2", "Copyright"),
        S(6, 21, "measure", "2.1", "Policy", "policy", parent_id=5),
    ]
    new = [
        S(101, 10, "commitment", "1", "Docs"),
        S(102, 12, "measure", "1.1", "Share", "share it", parent_id=101),  # renumbered + moved
        S(103, 11, "measure", "1.2", "Draw up", "text", parent_id=101),  # renumbered
        S(104, 20, "commitment", "2", "Copyright"),
        S(105, 21, "measure", "2.1", "Policy", "a policy", parent_id=104),  # edited
        S(106, 30, "measure", "2.2", "New", "hello", parent_id=104),  # added
        S(107, 13, "measure", "2.3", "Gone", "bye", parent_id=104),  # moved to commitment 2
    ]
    comparison = compare_sections("v1", "v2", old, new)
    flags = {row.provision_id: row.flags for row in comparison.rows}
    assert flags[10] == set() and flags[20] == set()
    assert flags[21] == {"edited"}
    assert flags[30] == {"added"}
    assert flags[13] == {"moved", "renumbered"}
    # Swapping two siblings: one of them moved (the longest unchanged order is kept).
    assert {"renumbered"} <= flags[11] and {"renumbered"} <= flags[12]
    assert ("moved" in flags[11]) != ("moved" in flags[12])
    assert comparison.counts["added"] == 1 and comparison.counts["unchanged"] == 2
    assert ADD in str(next(r for r in comparison.rows if r.provision_id == 21).body_diff)


def test_removed_provisions_stay_near_their_old_place():
    old = [
        S(1, 1, "commitment", "1"),
        S(2, 2, "measure", "1.1", parent_id=1),
        S(3, 3, "commitment", "2"),
    ]
    new = [S(11, 1, "commitment", "1"), S(13, 3, "commitment", "2")]
    comparison = compare_sections("a", "b", old, new)
    assert [(r.provision_id, r.status) for r in comparison.rows] == [
        (1, "unchanged"),
        (2, "removed"),
        (3, "unchanged"),
    ]
    assert comparison.counts["removed"] == 1
    assert [r.provision_id for r in comparison.changed_rows] == [2]


def test_children_of_a_moved_parent_are_not_moved_themselves():
    old = [
        S(1, 1, "commitment", "1"),
        S(2, 2, "measure", "1.1", parent_id=1),
        S(3, 3, "commitment", "2"),
    ]
    new = [
        S(13, 3, "commitment", "2"),
        S(11, 1, "commitment", "1"),
        S(12, 2, "measure", "1.1", parent_id=11),
    ]
    flags = {r.provision_id: r.flags for r in compare_sections("a", "b", old, new).rows}
    assert flags[2] == set()
    assert "moved" in flags[1] or "moved" in flags[3]


def test_rendered_diff_marks_changes_inside_the_rendered_text():
    """Issue 11 part 9: the comparison shows rendered Markdown, not its source."""
    from consult.drafts.diff import rendered_diff

    result = str(
        rendered_diff(
            "Keep the **documentation**\nup to date.\n\n- one\n- two",
            "Keep full **documentation**\nup to date.\n\n- one\n- three",
        )
    )
    assert "<strong>documentation</strong>" in result and "**" not in result
    assert f"Keep {DEL}the</del>{ADD}full</ins> <strong>" in result
    assert f"<li>{DEL}two</del>{ADD}three</ins></li>" in result
    assert result.count("<ul>") == result.count("</ul>") == 1


def test_rendered_diff_stays_bleached():
    from consult.drafts.diff import rendered_diff

    new = "Safe <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    result = str(rendered_diff("Safe text.", new))
    assert "<script" not in result and "<img" not in result and "href=" not in result
    assert "&lt;script&gt;" in result  # shown as text, never run
