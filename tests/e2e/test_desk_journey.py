"""Journey: a moderator opens the desk, reaches the similar comments of the open version,
answers a campaign group with one disposition; every page checked with axe."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import flash, look, unique

MODERATOR = "moderator-1@consult.example"


def test_desk_similar_comments_and_a_group_disposition(person):
    page = person().page
    sign_in(page, MODERATOR)
    page.get_by_role("link", name="Desk", exact=True).click()
    look(page, "desk")
    expect(page.get_by_role("heading", name="Transparency and copyright")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Transparency.*version 2$")).first.click()
    page.get_by_role("link", name="Similar comments").click()
    look(page, "similar-comments")
    group_link = page.get_by_role("row", name=re.compile("Fair Training Data letter")).get_by_role(
        "link"
    )
    group_link.click()
    look(page, "similar-group")
    expect(page.locator("article mark").first).to_be_visible()  # the words that differ
    tag = unique("group")
    page.get_by_label("Disposition").select_option(label="Noted")
    page.get_by_label("Rationale").fill(f"Noted: the letter's request is addressed in 2.1 ({tag}).")
    page.get_by_role("button", name="Give this disposition to the group").click()
    flash(page, "given the same disposition")
    expect(page.get_by_text("Disposition: Noted").first).to_be_visible()
