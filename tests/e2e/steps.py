"""Steps the browser journeys share: look at a page, sign up, open the open draft, comment."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import check_accessibility, screenshot

NEW_PASSWORD = "amber-violin-harbour-42"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Letters and spaces only, so the passage is the same in Markdown source and rendered text.
PLAIN_RUN = re.compile(r"[A-Za-z][A-Za-z ]{30,}[A-Za-z]")


def look(page: Any, name: str) -> None:
    """Every page type reached: one h1, no serious/critical axe violation, screenshots at
    desktop and phone widths, and no sideways scrolling at either width."""
    page.set_default_timeout(10_000)  # a missing element fails in seconds, not half a minute
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    check_accessibility(page, name)
    screenshot(page, name)
    for size in (PHONE, DESKTOP):  # the page never scrolls sideways
        page.set_viewport_size(size)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width}px wide in a {size['width']}px window"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def flash(page: Any, text: str) -> None:
    """A confirmation shown after an action (the flash message)."""
    expect(page.get_by_text(text).first).to_be_visible()  # f"expected the message {text!r}"


def sign_up(page: Any, *, name: str, email: str, organisation: str, screens: bool) -> None:
    """Create an account for a new organisation (civil society, Belgium) from the header link."""
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    if screens:
        look(page, "signup")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("radio", name="Register a new organisation").check()
    page.get_by_label("Name of the organisation").fill(organisation)
    page.get_by_label("Stakeholder category", exact=True).select_option(label="Civil society")
    page.get_by_label("Country of the head office").select_option(label="Belgium")
    page.get_by_role("button", name="Create account").click()
    flash(page, "Your account is ready.")


def verify_from_mailbox(page: Any, email: str, screens: bool) -> None:
    """Open the development mailbox from the footer and follow the verification link."""
    page.get_by_role("link", name="Development mailbox").click()
    if screens:
        look(page, "mailbox")
    mail = page.get_by_role("article").filter(has_text=email).first
    mail.get_by_role("link", name=re.compile(r"verify")).click()
    flash(page, f"Thank you: {email} is confirmed.")


def open_current_version(page: Any, title: str = "Transparency") -> int:
    """From the home page's open consultations, the document's open version; its number."""
    page.goto("/")
    consultations = page.get_by_role("region", name="Open consultations")
    link = consultations.get_by_role("link", name=re.compile(rf"^{title}, version \d+$"))
    number = int(link.inner_text().rsplit(" ", 1)[1])
    link.click()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    return number


@dataclass
class Provision:
    heading: str
    quote: str


def read_provision(page: Any, heading: str) -> Provision:
    """On a version page: a verbatim passage of the provision whose heading starts so."""
    region = page.get_by_role("region", name=re.compile("^" + re.escape(heading))).first
    full_heading = region.get_by_role("heading").first.inner_text().strip()
    body = region.get_by_role("listitem").or_(region.get_by_role("paragraph")).all_inner_texts()
    passage = next(m.group(0) for text in body for m in [PLAIN_RUN.search(text)] if m)
    quote = " ".join(passage.split()[:7])
    return Provision(full_heading, quote)


def open_provision(page: Any, provision: Provision) -> None:
    page.get_by_role("link", name=f"Comments on {provision.heading}").click()
    expect(page.get_by_role("heading", level=1, name=provision.heading)).to_be_visible()


def fill_comment(
    page: Any, body: str, quote: str = "", proposal: str = "", passage_only: bool = False
) -> None:
    """The provision page's comment form; the quote and proposal sit in a disclosure."""
    form = page.get_by_role("region", name="Add your comment")
    form.get_by_role("textbox", name="Your comment").fill(body)
    if quote or proposal:
        quote_box = form.get_by_role("textbox", name="Quoted passage")
        if not quote_box.is_visible():  # the disclosure is open again after an error
            form.get_by_text("Quote a passage or propose new wording").click()
        quote_box.fill(quote)
        form.get_by_label("Proposed replacement text").fill(proposal)
        if passage_only:
            form.get_by_role("radio", name="Only the quoted passage").check()


def send_comment(page: Any) -> None:
    page.get_by_role("region", name="Add your comment").get_by_role(
        "button", name="Send comment"
    ).click()


def own_comment(page: Any, body: str) -> Any:
    """The <article> of a comment, found by its text."""
    return page.get_by_role("article").filter(has_text=body).first
