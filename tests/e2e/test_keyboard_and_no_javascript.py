"""Commenting by keyboard alone, with a visible focus at every stop, and without JavaScript."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.steps import (
    fill_comment,
    open_current_version,
    open_provision,
    own_comment,
    read_provision,
    send_comment,
    unique,
)

KEYBOARD_USER = "rosa.academia@consult.example"
NO_JS_USER = "yara.civilsociety@consult.example"

# The focused element shows a ring: its own outline or box shadow, or, for GOV.UK radios and
# checkboxes (whose input is transparent), the one drawn by their label.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const visible = (s) => (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && !/rgba\\(.*, 0\\)|transparent/.test(s.outlineColor)) || s.boxShadow !== 'none';
  let ok = visible(getComputedStyle(el));
  if (!ok && el.labels && el.labels.length) {
    ok = visible(getComputedStyle(el.labels[0], '::before'))
      || visible(getComputedStyle(el.labels[0], '::after'));
  }
  return {ok, what: el.tagName + ' ' + (el.getAttribute('aria-label') || el.textContent
      || el.name || '').trim().slice(0, 60)};
}"""

# A disclosure's focus is on its <summary>, around the text that names it.
HAS_FOCUS = """el => el === document.activeElement
  || (document.activeElement.tagName === 'SUMMARY' && document.activeElement.contains(el))"""


def tab_to(page: Any, target: Any, limit: int = 60) -> None:
    """Press Tab until `target` has the focus, checking the focus is visible at each stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["ok"], f"no visible focus on {focus['what']}"
        if target.evaluate(HAS_FOCUS):
            return
    raise AssertionError(f"{target} not reached in {limit} presses of Tab")


def test_comment_by_keyboard_only_with_visible_focus(person):
    page = person().page
    sign_in(page, KEYBOARD_USER)
    open_current_version(page)
    provision = read_provision(page, "Measure 2.1")
    open_provision(page, provision)
    tag = unique("e2e")
    body = f"The summary template should name the main datasets by source ({tag})."

    # From the top of the page: the skip link first, then on to the form's link.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    form = page.get_by_role("region", name="Add your comment")
    tab_to(page, page.get_by_role("link", name="Add your comment"))
    page.keyboard.press("Enter")
    tab_to(page, form.get_by_role("textbox", name="Your comment"), limit=3)
    page.keyboard.type(body)
    tab_to(page, form.get_by_role("radio", name="General"), limit=2)
    page.keyboard.press("ArrowRight")  # radios: the arrow keys choose
    assert form.get_by_role("radio", name="Technical").is_checked()
    tab_to(page, form.get_by_text("Quote a passage or propose new wording"), limit=2)
    page.keyboard.press("Enter")  # opens the disclosure
    tab_to(page, form.get_by_role("textbox", name="Quoted passage"), limit=2)
    page.keyboard.type(provision.quote)
    tab_to(page, form.get_by_role("button", name="Send comment"), limit=12)
    page.keyboard.press("Enter")

    mine = own_comment(page, body)
    expect(mine).to_be_visible()
    expect(mine.get_by_text("Technical", exact=True)).to_be_visible()
    assert provision.quote in mine.get_by_role("blockquote").inner_text()


def test_commenting_without_javascript(person):
    page = person(javascript=False).page
    sign_in(page, NO_JS_USER)
    open_current_version(page)
    provision = read_provision(page, "Measure 2.2")
    open_provision(page, provision)
    # The enhancement that copies a selection into the quote box needs JavaScript: not shown.
    assert page.get_by_role("button", name="Quote selected text").count() == 0
    # axe itself needs JavaScript (scripts do not run in this page); the same page type is
    # checked with JavaScript on in the other journeys. The screenshot shows the no-JS look.
    screenshot(page, "provision-no-javascript")

    tag = unique("e2e")
    body = f"Crawlers should publish their user agent and the robots.txt rules they obey ({tag})."
    fill_comment(page, body, quote=provision.quote)
    send_comment(page)
    mine = own_comment(page, body)
    expect(mine).to_be_visible()
    assert provision.quote in mine.get_by_role("blockquote").inner_text()
    expect(mine.get_by_role("link", name="Edit your comment")).to_be_visible()
