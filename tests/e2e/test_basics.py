"""Browser basics: the home page renders, is accessible, and the skip link works by keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

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


def test_sign_up_page_has_no_axe_violation_and_reveals_without_aria_expanded(person):
    """Issue 11 part 9: aria-allowed-attr (critical) on the three 'Who do you speak for?' radios."""
    page = person().page
    page.goto("/signup")
    check_accessibility(page, "signup")
    radios = page.get_by_role("group", name="Who do you speak for?").get_by_role("radio")
    assert radios.count() == 3
    for index in range(3):
        radios.nth(index).check()
        check_accessibility(page, f"signup, choice {index + 1}")
        assert radios.nth(index).get_attribute("aria-expanded") is None
        panel = radios.nth(index).get_attribute("aria-controls")
        assert page.locator(f"#{panel}").is_visible()
    page.get_by_role("radio", name="Register a new organisation").check()
    expect(page.get_by_label("Name of the organisation")).to_be_visible()


def test_comments_overview_chart_fits_at_1280_and_is_accessible(person):
    """Issue 11 part 9: scrollable-region-focusable (serious) and the chart cut off at 1280 px."""
    page = person().page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/docs/transparency/v2/comments/overview")
    check_accessibility(page, "comments overview")
    chart = page.locator("svg.consult-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    figure = page.locator("figure.consult-figure--wide")
    assert figure.evaluate("f => f.scrollWidth <= f.clientWidth"), "the chart must not scroll"
    main = page.locator("main").bounding_box()
    assert box is not None and main is not None
    assert box["x"] + box["width"] <= main["x"] + main["width"] + 1, "the chart is cut off"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
