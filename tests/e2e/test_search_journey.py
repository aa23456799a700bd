"""Journey: a visitor searches from the header, refines by a facet, pages, sorts, opens a hit."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.steps import look


def _total(page) -> int:
    heading = page.get_by_role("heading", level=2, name=re.compile(r"^\d+ results?$"))
    expect(heading).to_be_visible()
    return int(heading.inner_text().split()[0])


def test_visitor_searches_refines_pages_and_opens_a_result(person):
    page = person().page
    page.goto("/")
    page.get_by_role("searchbox", name="Search provisions and comments").fill("training data")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()
    look(page, "search results")
    total = _total(page)
    assert total > 20, "the demo has more than a page of matches"
    expect(page.locator(".consult-search-result mark").first).to_be_visible()

    # Refine by kind of result: the count beside the value is the number of results.
    kinds = page.get_by_role("region", name="Kind of result")
    link = kinds.get_by_role("link", name="Comments", exact=True)
    count = int(re.search(r"\((\d+)\)", link.locator("xpath=..").inner_text()).group(1))
    link.click()
    assert _total(page) == count
    expect(page.locator(".consult-search-result__meta").first).to_contain_text("Comment")
    look(page, "search refined")
    page.get_by_role("link", name="Any kind of result").click()
    assert _total(page) == total

    # Pages, then the newest first.
    page.get_by_role("link", name="Next page").click()
    expect(page.get_by_text(re.compile(r"^Page 2 of \d+"))).to_be_visible()
    page.get_by_label("Order").select_option("newest")
    page.get_by_role("button", name="Search", exact=True).last.click()
    assert "sort=newest" in page.url and _total(page) == total

    # A result leads to its provision's page.
    first = page.locator(".consult-search-result h3 a").first
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    assert "/docs/" in page.url
