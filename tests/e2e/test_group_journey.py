"""Journey: a member of a verified AI Pact (pillar II) organisation asks to join a working group
whose admission needs one, and the group's chair approves the request."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import flash, look, unique

# Demo stakeholders of verified pillar II organisations, each with a pact group they are not
# in and have no pending request for (groups/demo.py): the first one free is used.
CANDIDATES = [
    ("marta.sme@consult.example", "Marta Dvořáková", "Internal risk management and governance"),
    ("olga.sme@consult.example", "Olga Svoboda", "Risk assessment for systemic risk"),
    ("ana.industry@consult.example", "Ana Ferreira", "Transparency and copyright"),
]
CHAIRS = {
    "Internal risk management and governance": "chair-governance@consult.example",
    "Risk assessment for systemic risk": "chair-risk-assessment@consult.example",
    "Transparency and copyright": "chair-transparency-copyright@consult.example",
}


def open_group(page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Working groups").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def sign_in_a_free_candidate(page) -> tuple[str, str]:
    """Sign in the first candidate who may still ask to join their group: (name, group)."""
    for email, name, group in CANDIDATES:
        sign_in(page, email)
        open_group(page, group)
        if page.get_by_role("link", name="Ask to join").count():
            return name, group
        page.get_by_role("button", name="Sign out").click()
    raise AssertionError("no demo pillar II stakeholder is free to ask to join a group")


def test_ai_pact_member_asks_to_join_and_chair_approves(person):
    page = person().page
    display_name, group = sign_in_a_free_candidate(page)
    sidebar = page.get_by_role("complementary", name="Your participation")
    look(page, "group")

    sidebar.get_by_role("link", name="Ask to join").click()
    look(page, "join")
    expect(page.get_by_text("Pillar II").first).to_be_visible()
    expect(page.get_by_text("You can ask to be a member or an observer.")).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Member: ")).check()
    statement = (
        "We signed the AI Pact's pillar II pledges and map our models' systemic risks each "
        f"quarter; we would like to contribute that experience ({unique('e2e')})."
    )
    page.get_by_role("textbox", name="Statement of interest").fill(statement)
    page.get_by_role("button", name="Send request").click()
    flash(page, f"Your request to join {group} has been sent to its chairs.")
    expect(sidebar.get_by_text(re.compile(r"You asked on .* to join as member\."))).to_be_visible()

    # The chair reads the request with its statement and approves it.
    chair = person().page
    sign_in(chair, CHAIRS[group])
    open_group(chair, group)
    chair.get_by_role("link", name=re.compile(r"^Requests to join \(\d+ pending\)$")).click()
    look(chair, "requests")
    row = chair.get_by_role("row").filter(has_text=display_name)
    expect(row.get_by_text("Pillar II").first).to_be_visible()
    row.get_by_role("link", name=re.compile(rf"^{display_name}\W+review the request$")).click()
    look(chair, "request")
    expect(chair.get_by_text(statement)).to_be_visible()
    chair.get_by_role("group", name="Admit as").get_by_role("radio", name="Member").check()
    chair.get_by_role("button", name="Approve request").click()
    flash(chair, f"{display_name} is now member of {group}")

    # The new member sees it on the group page.
    page.reload()
    expect(sidebar.get_by_text("You are member of this working group")).to_be_visible()
