"""Journey (issue 17): two colleagues of an industry association draft a comment together, one
edits it, the representative approves it, and it appears "on behalf of" the association with
its position paper, which anyone can download."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from consult.attachments.samples import make_pdf
from tests.e2e.conftest import sign_in
from tests.e2e.steps import flash, look, unique

ASSOCIATION = "European AI Industry Association"


def test_colleagues_draft_the_representative_approves(person, tmp_path: Path):
    marker = unique("voice")
    paper = tmp_path / "Our position on documentation.pdf"
    paper.write_bytes(make_pdf([["Position paper", f"Reference {marker}"]]))

    # Jan drafts, with a position paper.
    jan = person().page
    sign_in(jan, "jan.association@consult.example")
    jan.goto("/me/profile")
    jan.get_by_role("link", name=ASSOCIATION).first.click()
    jan.get_by_role("link", name=re.compile("^Workspace")).click()
    look(jan, "workspace-index")
    # The open Transparency version (another journey may have published a newer one).
    open_consultations = jan.locator("h2:has-text('Open consultations') + *")
    open_consultations.get_by_role("link", name=re.compile(r"^Transparency, version")).click()
    expect(jan.get_by_role("heading", level=1, name="Workspace")).to_be_visible()
    jan.get_by_label("Comment", exact=True).fill(f"Our first thoughts ({marker}).")
    jan.get_by_label(re.compile("^Position papers")).set_input_files(str(paper))
    jan.get_by_role("button", name="Save draft").click()
    flash(jan, "Draft saved.")
    draft_url = jan.url
    expect(jan.get_by_role("link", name=paper.name)).to_be_visible()
    look(jan, "workspace-draft")

    # Marta edits it and leaves a note.
    marta = person().page
    sign_in(marta, "marta.association@consult.example")
    marta.goto(draft_url)
    marta.get_by_label("Comment", exact=True).fill(
        f"Our members ask for one documentation set ({marker})."
    )
    marta.get_by_role("button", name="Save draft").click()
    flash(marta, "Draft saved.")
    marta.get_by_label("Internal note").fill("I tightened the wording.")
    marta.get_by_role("button", name="Add note").click()
    flash(marta, "Note added.")
    history = marta.get_by_role("table", name="Who changed this draft")
    expect(history.get_by_text("Marta Nowak")).to_be_visible()
    expect(history.get_by_text("Jan de Vries")).to_be_visible()

    # Sofia, the representative, approves it.
    sofia = person().page
    sign_in(sofia, "sofia.association@consult.example")
    sofia.goto(draft_url)
    sofia.get_by_role("button", name=f"Approve and publish on behalf of {ASSOCIATION}").click()
    flash(sofia, f"Approved and published on behalf of {ASSOCIATION}.")
    look(sofia, "workspace-version")

    # Anyone sees it on the association's page for the version, and downloads the paper.
    visitor = person().page
    visitor.goto(draft_url)  # the workspace itself is not for visitors
    expect(visitor).to_have_url(re.compile("/login"))
    sofia.get_by_role("link", name=re.compile(f"What {ASSOCIATION} has published")).click()
    article = sofia.get_by_role("article").filter(has_text=marker)
    expect(article.get_by_text(f"On behalf of {ASSOCIATION}")).to_be_visible()
    expect(article.get_by_text("approved by Sofia Marchetti")).to_be_visible()
    look(sofia, "organisation-voice")
    with sofia.expect_download() as info:
        article.get_by_role("link", name=paper.name).click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF-")
