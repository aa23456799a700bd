"""Browser basics: the home page renders, is accessible, and the skip link works by keyboard."""

from __future__ import annotations

from tests.e2e.conftest import check_accessibility, screenshot


def test_home_page_accessible_and_skip_link_works(person):
    me = person()
    page = me.page
    page.goto("/")
    assert page.get_by_role("heading", level=1).count() == 1
    check_accessibility(page, "home")
    screenshot(page, "home")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_sign_in_page_accessible_and_labelled(person):
    page = person().page
    page.goto("/login")
    page.get_by_label("E-mail address").fill("someone@example.org")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("The e-mail address or password is not correct.").first.is_visible()
    check_accessibility(page, "login with errors")
