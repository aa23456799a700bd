"""Journey: a comment's proposal goes through triage, a disposition and a revision into the
next published version, and its author follows it there from "My comments"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import (
    fill_comment,
    flash,
    look,
    open_current_version,
    open_provision,
    own_comment,
    read_provision,
    send_comment,
    unique,
)

STAKEHOLDER = "gustav.opensource@consult.example"  # Open Weights Collective, open source
MODERATOR = "moderator-1@consult.example"
CHAIR = "chair-transparency-copyright@consult.example"


def test_proposal_triaged_applied_published_and_traced_by_its_author(person):
    tag = unique("e2e")
    # The stakeholder proposes new wording for a passage of the open version.
    author = person().page
    sign_in(author, STAKEHOLDER)
    number = open_current_version(author)
    provision = read_provision(author, "Measure 3.3")
    open_provision(author, provision)
    body = f"Energy figures are only comparable if the method is stated ({tag})."
    proposal = f"report the energy used with the measurement method ({tag})"
    fill_comment(author, body, quote=provision.quote, proposal=proposal, passage_only=True)
    send_comment(author)
    expect(own_comment(author, body)).to_be_visible()

    # The moderator finds it in the triage queue by filtering on its category.
    moderator = person().page
    sign_in(moderator, MODERATOR)
    open_current_version(moderator)
    moderator.get_by_role("link", name="Triage the comments").click()
    filters = moderator.get_by_role("form", name="Filter")
    filters.get_by_label("Stakeholder category").select_option(label="Open source")
    filters.get_by_label("Proposed text").select_option(label="Proposes text")
    filters.get_by_label("Disposition", exact=False).select_option(label="Not yet decided")
    filters.get_by_role("button", name="Apply filters").click()
    look(moderator, "triage")
    queue = moderator.get_by_role("article")
    assert queue.count() >= 1
    for index in range(queue.count()):  # every comment shown is an open-source one
        expect(queue.nth(index).get_by_text("Open source", exact=True)).to_be_visible()
    item = queue.filter(has_text=tag)
    title = item.get_by_role("link", name=re.compile(r"^Comment #\d+$")).inner_text()
    comment_id = int(title.removeprefix("Comment #"))
    item.get_by_role("link", name=title).click()
    look(moderator, "disposition")

    # A disposition needs a rationale; then it is recorded.
    moderator.get_by_role("radio", name="Accepted", exact=True).check()
    moderator.get_by_role("button", name="Save disposition").click()
    expect(moderator.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    rationale = f"Accepted: the method makes the energy figures comparable ({tag})."
    moderator.get_by_role("textbox", name="Rationale").fill(rationale)
    moderator.get_by_role("button", name="Save disposition").click()
    expect(moderator.get_by_text(rationale).first).to_be_visible()

    # Opens the revision for the next version (or uses the one already open).
    moderator.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Triage"
    ).click()
    expect(moderator.get_by_role("heading", level=1, name="Triage of comments")).to_be_visible()
    workspace = moderator.get_by_role("link", name=f"Revision workspace for version {number + 1}")
    if workspace.count():
        workspace.click()
    else:
        moderator.get_by_role("button", name=f"Open a revision for version {number + 1}").click()
    expect(
        moderator.get_by_role(
            "heading", level=1, name=f"Preparing version {number + 1} from version {number}"
        )
    ).to_be_visible()
    look(moderator, "revision")

    # Applies the proposal to the provision.
    section = moderator.get_by_role("region", name=provision.heading)
    section.get_by_text(re.compile(rf"^\d+ comments? on version {number}$")).click()
    section.get_by_role("button", name=f"Apply proposal of comment #{comment_id}").click()
    flash(moderator, f"The proposal of comment #{comment_id} is now in {provision.heading}.")
    section = moderator.get_by_role("region", name=provision.heading)
    expect(section.get_by_text("(proposal applied)")).to_be_visible()

    # The chair publishes the next version with a new consultation window.
    chair = person().page
    sign_in(chair, CHAIR)
    open_current_version(chair)
    draft = f"Edit the draft of version {number + 1} (revision in progress)"
    chair.get_by_role("link", name=draft).click()
    chair.get_by_role("link", name=f"Publish version {number + 1}").click()
    look(chair, "publish")
    chair.get_by_role("textbox", name="Changelog").fill(
        f"Measure 3.3 now asks for the measurement method of energy figures ({tag})."
    )
    closes = (datetime.now() + timedelta(days=45)).strftime("%Y-%m-%dT%H:%M")
    chair.get_by_label("Consultation closes").fill(closes)
    publish_anyway = chair.get_by_role("checkbox", name=re.compile("^Publish anyway"))
    if publish_anyway.count():  # other comments may still wait for a disposition
        assert chair.get_by_role("link", name=re.compile(r"^Comment #\d+$")).count() >= 1
        publish_anyway.check()
    # The current version's consultation is still open: publishing says so and asks first.
    still_open = chair.locator("#window-still-open")
    if still_open.count():
        expect(still_open).to_contain_text("announced")
        chair.get_by_role("checkbox", name=re.compile("^Close the consultation")).check()
    chair.get_by_role("button", name="Publish the next version").click()
    flash(chair, f"Version {number + 1} is published.")

    # The author sees what became of the comment and follows it into the comparison.
    author.get_by_role("navigation", name="Main").get_by_role("link", name="My comments").click()
    look(author, "my-comments-answered")
    mine = own_comment(author, tag)
    expect(mine.get_by_text("Accepted", exact=True)).to_be_visible()
    expect(mine.get_by_text(rationale)).to_be_visible()
    assert mine.get_by_role("link", name=f"{provision.heading} (version {number + 1})").count()
    mine.get_by_role(
        "link", name=f"What changed from version {number} to version {number + 1}"
    ).click()
    expect(
        author.get_by_role(
            "heading", level=1, name=f"Version {number} compared with version {number + 1}"
        )
    ).to_be_visible()
    change = author.get_by_role("region", name=re.compile(r"^Measure 3\.3"))
    assert change.get_by_role("insertion").filter(has_text=tag).count() == 1
    expect(change.get_by_text("Edited", exact=True)).to_be_visible()
    change.get_by_text("Changed in response to 1 comment").click()
    expect(change.get_by_text(body)).to_be_visible()
    look(author, "compare-from-my-comments")
