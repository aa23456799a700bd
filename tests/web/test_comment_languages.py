"""Comments in any language (issue 13): the language field, detection, filters, report, API."""

from __future__ import annotations

import csv
import io

import pytest
from flask_babel import refresh
from sqlalchemy import select

from consult.comments.models import Comment
from consult.core.languages import EU_LANGUAGES, detect_language
from tests import factories
from tests.web.test_moderation_support import build_consultation, login

SAMPLES = {
    "de": "Die Anbieter sollten offenlegen, welche Daten sie für das Training verwendet haben.",
    "fr": "Les fournisseurs devraient indiquer quelles données ont servi à l'entraînement.",
    "it": "I fornitori dovrebbero indicare quali dati hanno usato per l'addestramento.",
    "pl": "Dostawcy powinni ujawnić, jakich danych użyli do trenowania modelu.",
    "en": "Providers should disclose which data they used to train the model.",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_detector_recognises_the_samples(language):
    assert detect_language(SAMPLES[language]) == language


def test_detector_declines_too_little_text():
    assert detect_language("") is None
    assert detect_language("ok") is None


def _selected(page: str) -> str | None:
    import re

    match = re.search(
        r'<option selected lang="(\w+)" value="\w+">|<option lang="(\w+)" selected', page
    )
    if match:
        return match.group(1) or match.group(2)
    found = re.search(r'<select[^>]*name="language"[^>]*>(.*?)</select>', page, re.S)
    assert found, "no language select"
    chosen = re.search(r"<option([^>]*)selected([^>]*)>", found.group(1))
    if chosen is None:
        return None
    value = re.search(r'value="([\w-]+)"', chosen.group(0))
    return value.group(1) if value else None


def test_language_field_prefilled_from_interface_then_from_the_text(client, db):
    c = build_consultation(comments=0)
    user = factories.UserFactory()
    login(client, user)
    url = c.url(f"{c.sections[0].provision.key}/")
    assert _selected(client.get(url).get_data(as_text=True)) == "en"
    refresh()  # the tests share one app context, where Flask-Babel keeps the locale
    assert _selected(client.get(url + "?lang=de").get_data(as_text=True)) == "de"
    refresh()
    # a refused post (no kind chosen) re-renders with the language detected from the text
    for language in ("de", "fr", "it", "pl"):
        page = client.post(url, data={"body": SAMPLES[language], "kind": "", "language": "detect"})
        assert _selected(page.get_data(as_text=True)) == language
    # a language chosen by hand is kept as chosen
    page = client.post(url, data={"body": SAMPLES["fr"], "kind": "", "language": "mt"})
    assert _selected(page.get_data(as_text=True)) == "mt"


def test_edit_form_shows_and_changes_the_language(client, db):
    c = build_consultation(comments=0)
    author = factories.UserFactory()
    comment = factories.CommentFactory(
        section=c.sections[0], author=author, body=SAMPLES["it"], language="en"
    )
    login(client, author)
    page = client.get(f"/comments/{comment.id}/edit").get_data(as_text=True)
    assert _selected(page) == "en"
    response = client.post(
        f"/comments/{comment.id}/edit",
        data={"body": SAMPLES["it"], "kind": "general", "language": "detect"},
    )
    assert response.status_code == 302
    db.session.refresh(comment)
    assert comment.language == "it" and comment.edited_at is None  # no new revision


@pytest.mark.parametrize("language", ["de", "fr", "it", "pl"])
def test_detect_on_submit_stores_the_language(client, db, language):
    c = build_consultation(comments=0)
    login(client, factories.UserFactory())
    url = c.url(f"{c.sections[0].provision.key}/")
    response = client.post(
        url, data={"body": SAMPLES[language], "kind": "general", "language": "detect"}
    )
    assert response.status_code == 302
    comment = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert comment.language == language
    page = client.get(url).get_data(as_text=True)
    assert f'<div class="govuk-body consult-comment__body" lang="{language}">' in page


def test_chosen_language_wins_and_replies_have_one(client, db):
    c = build_consultation(comments=1)
    login(client, factories.UserFactory())
    url = c.url(f"{c.sections[0].provision.key}/")
    client.post(url, data={"body": SAMPLES["en"], "kind": "general", "language": "ga"})
    assert db.session.scalars(select(Comment).order_by(Comment.id.desc())).first().language == "ga"
    refused = client.post(url, data={"body": SAMPLES["en"], "kind": "general", "language": "xx"})
    assert refused.status_code == 200  # re-rendered with the error, nothing stored
    parent = c.comments[0]
    response = client.post(
        f"/comments/{parent.id}/reply", data={"body": SAMPLES["pl"], "language": "detect"}
    )
    assert response.status_code == 302
    reply = db.session.scalars(select(Comment).where(Comment.parent_id == parent.id)).one()
    assert reply.language == "pl"


def test_existing_comments_are_english(db):
    comment = build_consultation(comments=1).comments[0]
    db.session.refresh(comment)
    assert comment.language == "en" and comment.quote_language is None


def _languages_world(db):
    c = build_consultation(comments=0)
    made = {
        code: factories.CommentFactory(section=c.sections[i % 3], body=text, language=code)
        for i, (code, text) in enumerate(SAMPLES.items())
    }
    extra_de = factories.CommentFactory(
        section=c.sections[0], body="Noch ein Punkt.", language="de"
    )
    factories.DispositionFactory(comment=made["de"], outcome="accepted")
    db.session.flush()
    return c, made, extra_de


def test_triage_filters_by_language(client, db):
    c, made, extra_de = _languages_world(db)
    login(client, c.moderator)
    page = client.get(c.url("triage?language=de")).get_data(as_text=True)
    ids = {x.id for x in [*made.values(), extra_de]}
    shown = {i for i in ids if f'id="comment-{i}"' in page}
    assert shown == {made["de"].id, extra_de.id}
    assert '<strong class="govuk-tag govuk-tag--yellow">German</strong>' in page
    assert '<p class="govuk-body" lang="de">' in page
    assert 'name="language"' in page
    everything = client.get(c.url("triage?language=")).get_data(as_text=True)
    assert all(f'id="comment-{i}"' in everything for i in ids)


def test_overview_filters_by_language(client, db):
    c, _made, _extra_de = _languages_world(db)
    page = client.get(c.url("comments/overview")).get_data(as_text=True)
    assert "Deutsch (2)" in page and "polski (1)" in page
    german = client.get(c.url("comments/overview?language=de")).get_data(as_text=True)
    assert "Showing the comments written in German only." in german
    assert "2 comments" in german
    assert "5 comments" not in german
    ignored = client.get(c.url("comments/overview?language=zz")).get_data(as_text=True)
    assert "6 comments" in ignored


def test_report_csv_has_the_language_and_the_page_counts_per_language(client, db):
    c, made, _extra_de = _languages_world(db)
    text = client.get(c.url("report.csv")).get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["comment_id"]: r["language"] for r in rows}[str(made["fr"].id)] == "fr"
    assert sorted(r["language"] for r in rows) == ["de", "de", "en", "fr", "it", "pl"]
    page = client.get(c.url("report")).get_data(as_text=True)
    assert "Dispositions by language of the comments" in page
    table = page.split('id="language-summary"')[1].split("</table>")[0]
    german = table.split('data-language="de"')[1].split("</tr>")[0]
    assert ">German<" in german
    cells = [cell.split(">")[-1] for cell in german.split("</td>")[:-1]]
    assert cells[0] == "2" and cells[1] == "1"  # two comments, one accepted


def test_api_and_open_data_give_the_language(client, db):
    c, made, extra_de = _languages_world(db)
    key = c.sections[0].provision.key
    slug = c.document.slug
    data = client.get(f"/api/v1/documents/{slug}/versions/1/provisions/{key}/comments").get_json()
    languages = {item["id"]: item["language"] for item in data["items"]}
    assert languages[made["pl"].id] == "pl" and languages[extra_de.id] == "de"
    report = client.get(f"/api/v1/documents/{slug}/versions/1/report").get_json()
    assert {row["language"] for row in report["items"]} == set(SAMPLES)
    table = client.get(f"/docs/{slug}/v1/open-data/comments.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(table.lstrip("\ufeff"))))
    assert "language" in header and "quote_language" in header


def test_every_official_language_is_offered_with_its_own_name(client, db):
    c = build_consultation(comments=0)
    login(client, factories.UserFactory())
    page = client.get(c.url(f"{c.sections[0].provision.key}/")).get_data(as_text=True)
    for code, name in EU_LANGUAGES.items():
        assert f'lang="{code}"' in page and name in page
