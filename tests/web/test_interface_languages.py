"""Choosing the interface language: switcher, cookie, profile, ?lang=, hreflang; e-mails."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, refresh
from sqlalchemy import select

from consult.core import timefmt
from consult.core.models import OutboxMessage
from consult.extensions import db as _db
from tests import factories


def test_the_header_offers_each_language_in_its_own_name(client: FlaskClient) -> None:
    page = client.get("/login?x=1").get_data(as_text=True)
    assert 'lang="de" hreflang="de"' in page and ">Deutsch</a>" in page
    assert 'lang="fr" hreflang="fr"' in page and ">Français</a>" in page
    assert '<a href="/language/en?next=/login?x%3D1"' in page
    assert 'lang="en" hreflang="en" aria-current="true">English</a>' in page
    assert (
        '<link rel="alternate" hreflang="de" href="http://localhost/login?x=1&amp;lang=de">' in page
    )


def test_the_switcher_keeps_the_choice_in_a_cookie(client: FlaskClient) -> None:
    response = client.get("/language/de?next=/login")
    assert response.status_code == 302 and response.location == "/login"
    assert "lang=de" in response.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="de"' in page and "Anmelden" in page
    assert 'aria-current="true">Deutsch</a>' in page


def test_the_switcher_goes_back_only_to_local_pages(client: FlaskClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.get("/language/fr", query_string={"next": target})
        assert response.location == "/"
    assert client.get("/language/xx?next=/login").headers.get("Set-Cookie") is None


def test_lang_in_the_address_wins_for_shared_links(client: FlaskClient) -> None:
    client.get("/language/de")
    page = client.get("/login?lang=fr").get_data(as_text=True)
    assert '<html lang="fr"' in page and "Se connecter" in page


def test_accept_language_is_used_when_nothing_was_chosen(client: FlaskClient) -> None:
    page = client.get("/login", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert '<html lang="fr"' in page.get_data(as_text=True)


def test_signed_in_the_choice_goes_to_the_profile(
    client: FlaskClient, login_as: Any, db: Any
) -> None:
    user = login_as("stakeholder")
    client.get("/language/de?next=/me/profile")
    assert _db.session.get(type(user), user.id).locale == "de"
    client.delete_cookie("lang")
    assert "Ihr Profil" in client.get("/me/profile").get_data(as_text=True)


def test_the_profile_page_chooses_the_language(client: FlaskClient, login_as: Any, db: Any) -> None:
    user = login_as("stakeholder")
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'name="locale"' in page and ">Deutsch</option>" in page
    response = client.post(
        "/me/profile",
        data={"display_name": user.display_name, "notify_mode": "immediate", "locale": "fr"},
    )
    assert response.status_code == 302
    assert _db.session.get(type(user), user.id).locale == "fr"
    refused = client.post(
        "/me/profile",
        data={"display_name": user.display_name, "notify_mode": "daily", "locale": "xx"},
    )
    assert refused.status_code == 200 and _db.session.get(type(user), user.id).locale == "fr"


def test_a_german_profile_gets_german_e_mails(client: FlaskClient, db: Any) -> None:
    user = factories.UserFactory(locale="de", email="anna@example.org")
    client.post("/reset", data={"email": "anna@example.org"})
    mail = _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == "anna@example.org")
    ).one()
    assert mail.subject == "Setzen Sie Ihr Passwort zurück"
    assert mail.body_text.startswith(f"Hallo {user.display_name},")
    assert "Minuten" in mail.body_text


def test_the_e_mail_follows_the_recipient_not_the_requester(client: FlaskClient, db: Any) -> None:
    factories.UserFactory(locale="fr", email="claire@example.org")
    client.post("/reset?lang=de", data={"email": "claire@example.org"})
    mail = _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == "claire@example.org")
    ).one()
    assert mail.body_text.startswith("Bonjour")


def test_verification_e_mail_in_the_language_of_sign_up(client: FlaskClient, db: Any) -> None:
    client.get("/language/de")
    client.post(
        "/signup",
        data={
            "email": "neu@example.org", "display_name": "Neue Person",
            "password": "korrekt Pferd Batterie Heftklammer", "password_confirm":
            "korrekt Pferd Batterie Heftklammer", "affiliation": "independent",
            "expert_category": str(factories.category("academia").id),
        },
    )  # fmt: skip
    mail = _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == "neu@example.org")
    ).one()
    assert "Bestätigen" in mail.subject and mail.body_text.startswith("Hallo Neue Person,")


def test_dates_and_numbers_follow_the_language(app: Flask) -> None:
    moment = datetime(2026, 12, 26, 12, 27, tzinfo=UTC)
    with app.test_request_context("/"):
        assert timefmt.format_datetime(moment).startswith("26 December 2026, 13:27 CET")
        assert timefmt.format_number(12345) == "12,345"
        with force_locale("de"):
            assert timefmt.format_datetime(moment).startswith("26. Dezember 2026, 13:27 MEZ")
            assert timefmt.format_date(moment) == "26. Dezember 2026"
            assert timefmt.format_number(12345) == "12.345"
        with force_locale("fr"):
            assert timefmt.format_date(moment) == "26 décembre 2026"


def test_pages_vary_by_language_for_caches(client: FlaskClient) -> None:
    vary = client.get("/login").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_role_labels_follow_each_request_language(client: FlaskClient, db: Any) -> None:
    """Macros are imported once per process: their labels must still follow the request."""
    from flask import render_template_string

    template = (
        '{% from "_macros/people.html" import author_line %}'
        '{{ author_line("A", None, role="chair") }}'
    )
    for lang, label in (("de", "Vorsitz"), ("fr", "Président·e"), ("en", "Chair")):
        with client.application.test_request_context(f"/?lang={lang}"):
            refresh()  # what every request does first (the tests share one app context)
            assert label in render_template_string(template)


def test_english_text_on_a_german_page_is_marked_english(client: FlaskClient, db: Any) -> None:
    """WCAG 2.1 3.1.2 (language of parts): the document's title, contents and provisions keep
    their language when the interface is German; an English page carries no redundant lang."""
    from tests.web.test_moderation_support import build_consultation

    c = build_consultation(comments=0)
    _db.session.commit()
    url = f"/docs/{c.slug}/v{c.version.number}/"
    german = client.get(url + "?lang=de").get_data(as_text=True)
    assert '<html lang="de"' in german
    assert f'<h1 class="govuk-heading-xl" lang="en">{c.document.title}</h1>' in german
    assert f'lang="en">{c.document.title}</a></li>' in german  # the breadcrumb
    assert german.count('<div lang="en">') >= len(c.sections)  # each provision's text
    toc = german.split('id="toc-heading"')[1].split("</nav>")[0]
    assert toc.count('lang="en"') == toc.count("<a ")
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert '<div lang="en">' not in english and 'class="govuk-heading-xl" lang=' not in english
    # Titles inside translated sentences: the home page's list, the report's caption.
    home = client.get("/?lang=de").get_data(as_text=True)
    assert f'<span lang="en">{c.document.title}</span>, Fassung 1' in home
    report = client.get(url + "report?lang=de").get_data(as_text=True)
    assert f'<span lang="en">{c.document.title}</span>' in report
    assert "<span lang=" not in client.get("/?lang=en").get_data(as_text=True)
