"""Journey in German: a stakeholder switches the interface from the header and signs up,
confirms the address from a German e-mail, searches, reads the profile, signs out and in.

Every page it visits is checked for English interface text: no message of the catalogues
(whose German differs from the English) may appear untranslated. Axe runs on each page (the
switcher's language names carry their own lang attribute).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.e2e.steps import NEW_PASSWORD, flash, look, unique

CATALOGUE = Path(__file__).resolve().parents[2] / "consult/translations/de/LC_MESSAGES/messages.po"


@cache
def english_phrases() -> tuple[str, ...]:
    """Interface sentences and labels of two words or more that German writes differently."""
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po, locale="de")
    return tuple(
        entry.id
        for entry in catalogue
        if isinstance(entry.id, str)
        and entry.string
        and entry.string != entry.id
        and "%" not in entry.id
        and "<" not in entry.id
        and len(entry.id.split()) >= 2
    )


def in_german(page: Any, name: str) -> None:
    """The page is in German: <html lang>, no English interface text; then axe and one h1."""
    expect(page.locator("html")).to_have_attribute("lang", "de")
    # Text declared in another language (drafts, comments, language names) is not interface.
    text = " ".join(
        page.evaluate(
            """() => { const body = document.body.cloneNode(true);
                body.querySelectorAll('[lang]:not([lang="de"]), script, style')
                    .forEach((e) => e.remove());
                return body.textContent; }"""
        ).split()
    )
    left = [phrase for phrase in english_phrases() if phrase in text]
    assert not left, f"English left on {name}: {left}"
    look(page, f"de-{name}")


def test_a_stakeholder_uses_the_site_in_german(person: Any) -> None:
    tag = unique("de")
    page = person().page
    page.goto("/")
    languages = page.get_by_role("navigation", name="Language")
    german = languages.get_by_role("link", name="Deutsch")
    expect(german).to_have_attribute("lang", "de")
    expect(german).to_have_attribute("hreflang", "de")
    german.click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switcher = page.get_by_role("navigation", name="Sprache")
    expect(switcher.get_by_role("link", name="Deutsch")).to_have_attribute("aria-current", "true")
    expect(switcher.get_by_role("link", name="English")).to_have_attribute("lang", "en")
    expect(page.locator('link[rel="alternate"][hreflang="fr"]')).to_have_count(1)

    # Sign-up, in German.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Konto erstellen"
    ).click()
    in_german(page, "signup")
    email = f"{tag}@zivil.example.org"
    name = f"Lena Hoffmann {tag[-4:]}"
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Ihr Name").fill(name)
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort bestätigen").fill("something else entirely 42")
    page.get_by_role("radio", name="Neue Organisation registrieren").check()
    page.get_by_label("Name der Organisation").fill(f"Offene Daten Wacht {tag}")
    page.get_by_label("Kategorie der Interessenträger", exact=True).select_option(
        label="Civil society"
    )
    page.get_by_label("Land des Hauptsitzes").select_option(label="Belgien")
    page.get_by_role("button", name="Konto erstellen").click()
    expect(page.get_by_role("alert").get_by_text("Es gibt ein Problem")).to_be_visible()
    expect(
        page.get_by_role("link", name="Die beiden Passwörter stimmen nicht überein.")
    ).to_be_visible()
    in_german(page, "signup-with-errors")
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort bestätigen").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Konto erstellen").click()
    flash(page, "Ihr Konto ist bereit.")
    # (The home page belongs to the drafts area; it is checked once its strings are marked.)
    expect(page.locator("html")).to_have_attribute("lang", "de")

    # The verification e-mail is German; its link confirms the address.
    page.get_by_role("link", name="Entwicklungs-Postfach").click()
    mail = page.get_by_role("article").filter(has_text=email).first
    expect(mail.get_by_role("heading", name="Bestätigen Sie Ihre E-Mail-Adresse")).to_be_visible()
    expect(mail.get_by_text(f"Hallo {name},")).to_be_visible()
    mail.get_by_role("link", name=re.compile(r"verify")).click()
    flash(page, f"Danke: {email} ist bestätigt.")

    # Search from the header.
    page.get_by_label("Bestimmungen und Kommentare durchsuchen").fill("downstream")
    page.get_by_role("search").first.get_by_role("button", name="Suche").click()
    expect(page.get_by_role("heading", level=1, name="Suche")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^\d+ Ergebnis(se)?$"))).to_be_visible()
    in_german(page, "search")

    # The profile: German, the language kept in it.
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1, name="Ihr Profil")).to_be_visible()
    expect(page.get_by_text("Bestätigt", exact=True)).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Sprache"))).to_have_value("de")
    in_german(page, "profile")
    page.get_by_role("link", name="Ihre Daten herunterladen, Ihre E-Mail-Adresse ändern").click()
    in_german(page, "your-data")

    # Signing out and in again: the pages stay German (the cookie; then the profile).
    page.get_by_role("button", name="Abmelden").click()
    flash(page, "Sie haben sich abgemeldet.")
    page.context.clear_cookies()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()
    in_german(page, "login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    flash(page, f"Angemeldet als {name}.")
    page.context.clear_cookies()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # signed out with the cookies
