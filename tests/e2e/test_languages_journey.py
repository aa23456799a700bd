"""Journey: a stakeholder reads the open draft in German, comments on a provision quoting the
German translation, and sees the comment's quote labelled with its language (issue 13)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.steps import flash, look, open_current_version, own_comment, send_comment, unique

GERMAN_HEADING = "Maßnahme 1.2: Informationen für nachgelagerte Anbieter"
GERMAN_PASSAGE = "Die Informationen werden binnen 14 Tagen nach einer Anfrage bereitgestellt"


def test_stakeholder_reads_in_german_and_quotes_the_translation(person):
    page = person().page
    sign_in(page, "gustav.opensource@consult.example")
    open_current_version(page)
    switch = page.get_by_role("navigation", name="Read in:")
    switch.get_by_role("link", name="Deutsch (translation)").click()
    expect(page.get_by_role("heading", name=GERMAN_HEADING)).to_be_visible()
    expect(page.get_by_text("You are reading a translation into German.")).to_be_visible()
    assert page.locator(f'[lang="de"] >> text="{GERMAN_HEADING}"').count() == 2  # text, contents
    look(page, "version-in-german")

    page.get_by_role(
        "link", name="Comments on Measure 1.2: Information for downstream providers"
    ).click()
    expect(page.get_by_role("heading", level=1, name=GERMAN_HEADING)).to_be_visible()
    expect(page.locator("#provision-text")).to_have_attribute("lang", "de")
    look(page, "provision-in-german")

    body = "Die Frist von 14 Tagen ist angemessen, sollte aber auch für Updates gelten."
    body = f"{body} ({unique('e2e')})"
    form = page.get_by_role("region", name="Add your comment")
    form.get_by_role("textbox", name="Your comment").fill(body)
    form.get_by_label("Language of your comment").select_option("detect")
    form.get_by_text("Quote a passage or propose new wording").click()
    form.get_by_role("textbox", name="Quoted passage").fill(GERMAN_PASSAGE)
    send_comment(page)
    flash(page, "Your comment is published.")

    article = own_comment(page, body)
    expect(article.get_by_text("Quoted from the translation into German")).to_be_visible()
    expect(article.locator("blockquote span[lang]")).to_have_attribute("lang", "de")
    expect(article.locator(".consult-comment__body")).to_have_attribute("lang", "de")
    look(page, "comment-quoting-german")


ITALIAN = """\
## Misura 1.2 Informazioni per i fornitori a valle {#c1-m2}

1. I firmatari mettono a disposizione dei fornitori a valle le parti della documentazione di cui
   hanno bisogno.
"""


def test_chair_imports_a_translation(person):
    page = person().page
    sign_in(page, "chair-transparency-copyright@consult.example")
    open_current_version(page)
    page.get_by_role("link", name="Translations").click()
    expect(page.get_by_role("heading", level=1, name="Translations")).to_be_visible()
    expect(page.get_by_role("table", name="Imported translations")).to_contain_text("Deutsch")
    look(page, "translations")

    page.get_by_label("Language of the translation").select_option("it")
    page.get_by_role("textbox", name="Or paste the Markdown").fill(ITALIAN + "\n## Nope {#c99}\n")
    page.get_by_role("button", name="Import the translation").click()
    expect(page.get_by_text("“c99” is not a provision of version")).to_be_visible()
    look(page, "translations-refused")

    page.get_by_role("textbox", name="Or paste the Markdown").fill(ITALIAN)
    page.get_by_role("button", name="Import the translation").click()
    flash(page, "Italian translation imported. Provisions translated: 1;")
    expect(
        page.get_by_role("heading", name="Misura 1.2: Informazioni per i fornitori a valle")
    ).to_be_visible()
    expect(page.get_by_text("Not translated").first).to_be_visible()
