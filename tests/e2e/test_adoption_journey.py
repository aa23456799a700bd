"""Journey: a representative signs one more chapter, an administrator verifies it, the register
shows it; a representative submits an overdue AI Pact implementation report (axe on each page)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import flash, look

FJORD = "Fjord Language Technologies Oy"


def test_sign_a_chapter_then_report_on_the_pledge(person):
    page = person().page
    page.goto("/code/gpai-code/signatories")
    look(page, "signatory register")
    expect(page.get_by_role("heading", level=1, name="Signatories")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=FJORD)
    expect(row.get_by_role("cell").filter(has_text=re.compile(r"^Signed \d"))).to_have_count(1)

    # Fjord signed only the safety and security chapter; its representative signs copyright.
    sign_in(page, "jakob.sme@consult.example")
    page.goto("/code/gpai-code/")
    look(page, "code")
    page.get_by_role("link", name=f"Sign for {FJORD}").click()
    look(page, "sign the code")
    page.get_by_label("Copyright").check()
    page.get_by_label("Name of the signatory").fill("Jakob Virtanen")
    page.get_by_label("Function").fill("Chief Executive Officer")
    page.get_by_label("Authority to bind the organisation").fill("Sole director of the company.")
    page.get_by_role("button", name="Sign the declaration").click()
    flash(page, "An administrator will verify the signature")
    expect(page.get_by_text("Awaiting verification")).to_be_visible()
    look(page, "signature awaiting verification")
    signature_url = page.url

    admin = person().page
    sign_in(admin, "admin@consult.example")
    admin.goto("/admin/adoption")
    look(admin, "adoption review")
    admin.goto(signature_url)
    admin.get_by_role("button", name="Verify the signature").click()
    flash(admin, "Signature verified")

    page.goto("/code/gpai-code/signatories")
    row = page.get_by_role("row").filter(has_text=FJORD)
    expect(row.get_by_role("cell").filter(has_text=re.compile(r"^Signed \d"))).to_have_count(2)

    # The overdue report of the Lyon Centre, submitted by its representative.
    reporter = person().page
    sign_in(reporter, "quentin.academia@consult.example")
    reporter.goto("/pact/pledges")
    expect(
        reporter.get_by_text("Lyon Centre for Digital Ethics: First implementation report")
    ).to_be_visible()
    look(reporter, "pledges")
    reporter.goto("/pact/rounds/1/report")
    look(reporter, "report form")
    for fieldset in reporter.locator("fieldset").all():
        fieldset.get_by_label("In progress").check()
        fieldset.get_by_label("What was done").fill("Training for all staff has begun.")
    reporter.get_by_role("button", name="Submit the report").click()
    flash(reporter, "Your report is submitted and public")
    look(reporter, "report")
    expect(
        reporter.get_by_role("cell", name="Training for all staff has begun.").first
    ).to_be_visible()


MERIDIAN = "Meridian Telecom SpA"


def test_a_signatory_reports_on_a_signed_chapter(person):
    page = person().page
    page.goto("/code/gpai-code/signatories")
    # The demo's overdue chapter report is shown on the public register.
    expect(page.locator("#signatory-overdue")).to_contain_text("Atlas Cloud Computing BV")
    expect(page.get_by_role("table", name=re.compile("Copyright: latest report"))).to_be_visible()

    sign_in(page, "hugo.industry@consult.example")
    page.goto("/code/gpai-code/signatories")
    page.get_by_role("link", name=MERIDIAN).click()
    page.get_by_role("link", name="General-Purpose AI Code of Practice").first.click()
    look(page, "signature with reports due")
    page.get_by_role("link", name="Report on Copyright").click()
    look(page, "signatory report form")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a status")
    look(page, "signatory report form with errors")
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("Implemented").check()
        fieldset.get_by_label("What was done").fill("Model documentation kept up to date.")
    page.get_by_role("button", name="Submit the report").click()
    flash(page, "Your report is submitted and public")
    look(page, "signatory report")
    expect(page.get_by_role("heading", level=1)).to_contain_text(MERIDIAN)
    expect(
        page.get_by_role("cell", name="Model documentation kept up to date.").first
    ).to_be_visible()
