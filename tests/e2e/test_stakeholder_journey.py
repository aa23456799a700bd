"""Journey: a new stakeholder signs up, confirms the address, comments, replies and endorses."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import (
    fill_comment,
    look,
    open_current_version,
    open_provision,
    own_comment,
    read_provision,
    send_comment,
    sign_up,
    unique,
    verify_from_mailbox,
)

OTHER = "ivo.opensource@consult.example"
OTHER_NAME = "Ivo de Boer"


def test_new_stakeholder_signs_up_verifies_comments_replies_and_endorses(person):
    tag = unique("e2e")
    # Someone else has commented on the measure already (any version may be the open one).
    other = person().page
    sign_in(other, OTHER)
    open_current_version(other)
    open_provision(other, read_provision(other, "Measure 1.2"))
    other_body = f"Fourteen days is too long for safety-relevant information ({tag}-other)."
    fill_comment(other, other_body)
    send_comment(other)
    expect(own_comment(other, other_body)).to_be_visible()

    page = person().page
    email = f"{tag}@civil.example.org"
    name = f"Noor Vermeulen {tag[-4:]}"
    sign_up(page, name=name, email=email, organisation=f"Open Data Watch {tag}", screens=True)
    verify_from_mailbox(page, email, screens=True)

    # Reads the open draft and picks a measure.
    number = open_current_version(page)
    look(page, "version")
    provision = read_provision(page, "Measure 1.2")
    open_provision(page, provision)
    look(page, "provision")

    # A passage that is not in the text is refused, and nothing typed is lost.
    body = f"The 14-day deadline should also apply to small downstream providers ({tag})."
    proposal = "make the information available to every downstream provider on request"
    fill_comment(page, body, quote="words that the measure never says", proposal=proposal)
    send_comment(page)
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    message = "The quoted passage must be copied exactly from the text of this provision."
    expect(page.get_by_role("link", name=message)).to_be_visible()
    assert page.get_by_role("textbox", name="Your comment").input_value() == body
    assert page.get_by_role("textbox", name="Proposed replacement text").input_value() == proposal
    look(page, "comment-form-with-errors")

    # The passage copied verbatim from the measure is accepted.
    fill_comment(page, body, quote=provision.quote, proposal=proposal, passage_only=True)
    send_comment(page)
    mine = own_comment(page, body)
    mine.scroll_into_view_if_needed()
    expect(mine).to_be_visible()
    assert provision.quote in mine.get_by_role("blockquote").inner_text()
    expect(mine.get_by_text("Proposed text, replacing the quoted passage")).to_be_visible()
    expect(mine.get_by_text("Civil society")).to_be_visible()

    # Replies to the other stakeholder's comment (the page showed only the new thread).
    page.get_by_role("link", name="Show all comments on this provision").click()
    theirs = own_comment(page, other_body)
    theirs.get_by_role("link", name=f"Reply to {OTHER_NAME}").click()
    expect(page.get_by_role("heading", level=1, name=f"Reply to {OTHER_NAME}")).to_be_visible()
    look(page, "reply")
    reply = f"Agreed: the same deadline matters to consumer groups too ({tag}-reply)."
    page.get_by_role("textbox", name="Your reply").fill(reply)
    page.get_by_role("button", name="Send reply").click()
    thread = page.get_by_role("listitem").filter(has=own_comment(page, other_body)).first
    expect(thread.get_by_role("list", name="Replies").get_by_text(reply)).to_be_visible()

    # Supports it; the support is counted under the new stakeholder's category.
    theirs = own_comment(page, other_body)
    theirs.get_by_role("button", name=f"Support this comment by {OTHER_NAME}").click()
    theirs = own_comment(page, other_body)
    expect(theirs.get_by_text("You support this.")).to_be_visible()
    endorsements = theirs.get_by_role("list", name="Endorsements")
    expect(endorsements.get_by_text("1 Civil society supports this")).to_be_visible()

    # Sees both on "My comments", waiting for the moderators.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My comments").click()
    look(page, "my-comments")
    listed = page.get_by_role("article").filter(has_text=tag)
    assert listed.count() == 2
    link = re.compile(rf"^Transparency, version {number}: Measure 1\.2: Information for downstream")
    assert listed.first.get_by_role("link", name=link).count() == 1
    expect(page.get_by_text("No response from the moderators yet.").first).to_be_visible()

    # The profile shows the confirmed address and the new organisation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
    look(page, "profile")
    expect(page.get_by_text("Confirmed", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"Open Data Watch {tag}")).to_be_visible()
