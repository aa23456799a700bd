"""Journey: a verified stakeholder registers for a webinar from the home page, asks the chairs a
question, supports another participant's question, and downloads the event's .ics file."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import flash, look, unique

WEBINAR = "Webinar: the transparency chapter explained"
OTHERS_QUESTION = "How will downstream providers be informed?"


def test_stakeholder_registers_asks_supports_and_downloads_ics(person):
    page = person().page
    sign_in(page, "olga.sme@consult.example")
    page.goto("/")
    page.get_by_role("region", name="Upcoming events").get_by_role("link", name=WEBINAR).click()
    expect(page.get_by_role("heading", level=1, name=WEBINAR)).to_be_visible()
    expect(page.get_by_text("The link is shown to registered participants.")).to_be_visible()
    look(page, "event")

    page.get_by_role("button", name="Register").click()
    flash(page, "You are registered.")
    expect(
        page.get_by_role("link", name="https://meet.example.eu/webinar-transparency")
    ).to_be_visible()

    question = f"Will the template cover fine-tuned models? ({unique('e2e')})"
    page.get_by_role("textbox", name="Your question").fill(question)
    page.get_by_role("button", name="Send question").click()
    flash(page, "Your question is sent to the chairs.")
    expect(page.get_by_text(question)).to_be_visible()

    other = page.get_by_role("article").filter(has_text=OTHERS_QUESTION)
    other.get_by_role("button", name=re.compile("^Support")).click()
    flash(page, "You support this question.")
    expect(other.get_by_text("You support this question.")).to_be_visible()
    look(page, "event-registered")

    with page.expect_download() as info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    body = Path(info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in body and "SUMMARY:Webinar: the transparency chapter explained" in body
    assert "meet.example.eu/webinar-transparency" in body  # registered: the link is included


def test_visitor_reads_the_past_plenary_and_downloads_its_slides(person):
    """A visitor opens the past kick-off plenary from the group page: it says it has taken
    place (no registration offered), shows minutes, recording and answered questions, and its
    slides download as the uploaded PDF."""
    page = person().page
    page.goto("/groups/transparency-copyright")
    page.get_by_role("link", name="Kick-off plenary").first.click()
    expect(page.get_by_role("heading", level=1, name="Kick-off plenary")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"This event took place on .*Registration is closed\."))
    ).to_be_visible()
    expect(page.get_by_role("button", name="Register")).to_have_count(0)
    expect(page.get_by_text("Sign in to register")).to_have_count(0)
    after = page.get_by_role("region", name="After the event")
    expect(after.get_by_role("link", name="Watch the recording")).to_be_visible()
    expect(after.get_by_role("heading", name="Minutes")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Answered in writing"))).to_be_visible()
    look(page, "event-past")

    slides = after.get_by_role("link", name="Kick-off plenary slides.pdf")
    expect(after.get_by_text(re.compile(r"\(PDF, \d+ KB\)"))).to_be_visible()
    with page.expect_download() as info:
        slides.click()
    assert info.value.suggested_filename == "Kick-off plenary slides.pdf"
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF-")
