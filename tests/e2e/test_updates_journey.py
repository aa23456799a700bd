"""Journey: a visitor without an account subscribes to updates from the home page, confirms
through the development mailbox, chooses what to follow, then unsubscribes (issue 19)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.steps import flash, look, unique


def test_visitor_subscribes_confirms_manages_and_unsubscribes(person):
    page = person().page
    email = f"{unique('reader')}@example.org"
    page.goto("/")
    updates = page.get_by_role("region", name="Updates by e-mail")
    updates.get_by_label("E-mail address").fill(email)
    updates.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1, name="Check your inbox")).to_be_visible()
    look(page, "updates-sent")

    page.goto("/dev/mailbox")
    mail = page.get_by_role("article").filter(has_text=email).first
    expect(mail.get_by_role("heading", name="Confirm your subscription to updates")).to_be_visible()
    mail.get_by_role("link", name=re.compile(r"updates.confirm")).click()
    expect(page.get_by_role("heading", level=1, name="Confirm your subscription")).to_be_visible()
    look(page, "updates-confirm")
    page.get_by_role("button", name="Confirm my subscription").click()
    flash(page, "Your subscription is confirmed.")
    expect(page.get_by_text("Confirmed: you receive the updates chosen below.")).to_be_visible()
    look(page, "updates-manage")

    page.get_by_label("Everything on this site (every working group)").uncheck()
    page.get_by_role("checkbox", name="Transparency and copyright").check()
    page.get_by_role("checkbox", name="Adoption of the code").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    flash(page, "Your choices are saved.")
    expect(page.get_by_role("checkbox", name="Transparency and copyright")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Adoption of the code")).not_to_be_checked()

    page.get_by_role("link", name="Unsubscribe from every update").click()
    look(page, "updates-unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1, name="You are unsubscribed")).to_be_visible()
    look(page, "updates-unsubscribed")
    page.get_by_role("link", name="Delete the subscription and your address now").click()
    page.get_by_role("button", name="Delete my subscription").click()
    flash(page, "Your subscription and your e-mail address are deleted.")
