"""Content languages (issue 13): translations of a version, reading and comparing in a language,
comments quoting a translation."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from consult.comments.models import Comment
from consult.core.models import AuditEvent
from consult.drafts import translations
from consult.drafts.errors import ImportErrors
from consult.drafts.translation_models import SectionTranslation
from consult.extensions import db as _db
from tests.web import test_drafts

# The drafts tests' world: v1 published, v2 published (Measure 1.1 edited, 1.3 added), v3 editing.
group = test_drafts.group
author = test_drafts.author
published = test_drafts.published

DE_V1 = """## Verpflichtung 1: Dokumentation {#c1}

Die Unterzeichner dokumentieren ihre KI-Modelle mit allgemeinem Verwendungszweck.

### Maßnahme 1.1 Erstellung der Dokumentation {#c1-m1}

1. Die Unterzeichner erstellen eine technische Dokumentation des Modells und halten sie aktuell.

### Measure 1.2 Informationen für nachgelagerte Anbieter

1. Die Unterzeichner geben nachgelagerten Anbietern binnen 14 Tagen die nötigen Informationen.
"""

DE_V2 = """## Verpflichtung 1: Dokumentation {#c1}

Die Unterzeichner dokumentieren ihre KI-Modelle mit allgemeinem Verwendungszweck.

### Maßnahme 1.1 Erstellung von Dokumentation {#c1-m1}

1. Die Unterzeichner erstellen eine vollständige technische Dokumentation des Modells.
"""


def _import(version, text, user, language="de"):
    return translations.import_translation(version, language, text, user=user)


def test_import_stores_the_translation_and_audits_it(db, published, author):
    _document, v1, _v2, _v3 = published
    result = _import(v1, DE_V1, author)
    _db.session.commit()
    assert (result.translated, result.replaced) == (3, 0)
    rows = {
        r.provision_id: r
        for r in _db.session.scalars(
            select(SectionTranslation).where(SectionTranslation.version_id == v1.id)
        )
    }
    by_key = {s.provision.key: s for s in translations.sections_of(v1)}
    c1 = rows[by_key["c1"].provision_id]
    assert (c1.label, c1.heading, c1.language) == ("Verpflichtung 1", "Dokumentation", "de")
    m2 = rows[by_key["c1-m2"].provision_id]
    assert (m2.label, m2.heading) == ("", "Informationen für nachgelagerte Anbieter")
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "translation.import")
    ).one()
    assert event.actor_id == author.id and event.data["after"]["language"] == "de"


def test_unknown_key_is_refused_naming_it(db, published, author):
    _document, v1, _v2, _v3 = published
    text = DE_V1 + "\n## Verpflichtung 9: Gibt es nicht {#c9}\n\nText.\n"
    with pytest.raises(ImportErrors) as caught:
        _import(v1, text, author)
    assert any("“c9”" in message for _line, message in caught.value.errors)
    assert _db.session.scalars(select(SectionTranslation)).first() is None


def test_reimport_replaces_the_language(db, published, author):
    _document, v1, _v2, _v3 = published
    _import(v1, DE_V1, author)
    result = _import(v1, DE_V1.split("### Measure 1.2")[0], author)
    assert (result.translated, result.replaced) == (2, 3)
    count = _db.session.scalars(
        select(SectionTranslation).where(SectionTranslation.version_id == v1.id)
    ).all()
    assert len(count) == 2


def test_reader_switches_language_and_sees_labels(client, login_as, published, author):
    _document, v1, _v2, _v3 = published
    _import(v1, DE_V1, author)
    _db.session.commit()
    page = client.get("/docs/transparency/v1/").get_data(as_text=True)
    assert "Read in:" in page and "Deutsch" in page and "?text=de" in page
    assert "Verpflichtung 1: Dokumentation" not in page
    german = client.get("/docs/transparency/v1/?text=de").get_data(as_text=True)
    assert '<div lang="de" class="consult-translated">' in german
    assert "Verpflichtung 1: Dokumentation" in german
    assert 'href="#c1" lang="de">Verpflichtung 1: Dokumentation</a>' in german  # contents
    assert "Erstellung der Dokumentation" in german
    assert "Not translated" in german  # Measure 1.3 and the open question: shown in English
    assert "Documentation is kept for ten years." in german
    assert 'aria-current="page"><span lang="de">Deutsch</span> (translation)' in german
    # an unknown language falls back to the authoritative text
    assert "consult-translated" not in client.get("/docs/transparency/v1/?text=xx").get_data(
        as_text=True
    )


def test_translation_is_outdated_where_the_source_changed(client, published, author):
    _document, v1, v2, _v3 = published
    _import(v1, DE_V1, author)
    _db.session.commit()
    shown = {
        s.provision.key: s
        for s in translations.reading_for(v2, translations.sections_of(v2), "de").sections.values()
    }
    assert shown["c1"].is_translated and not shown["c1"].outdated  # unchanged text
    assert shown["c1-m1"].is_translated and shown["c1-m1"].outdated  # edited in v2
    assert not shown["c1-m3"].is_translated  # added in v2
    page = client.get("/docs/transparency/v2/?text=de").get_data(as_text=True)
    assert "Outdated" in page
    _import(v2, DE_V2, author)  # re-imported for v2: current again
    _db.session.commit()
    shown = {
        s.provision.key: s
        for s in translations.reading_for(v2, translations.sections_of(v2), "de").sections.values()
    }
    assert shown["c1-m1"].is_translated and not shown["c1-m1"].outdated


def test_comparison_within_one_language(client, published, author):
    _document, v1, v2, _v3 = published
    _import(v1, DE_V1, author)
    _import(v2, DE_V2, author)
    _db.session.commit()
    page = client.get("/docs/transparency/compare/v1...v2?text=de").get_data(as_text=True)
    assert 'lang="de"' in page
    assert "vollständige" in page and "<ins>" in page  # the German word added in v2
    assert "full technical documentation" not in page  # not the English diff
    english = client.get("/docs/transparency/compare/v1...v2").get_data(as_text=True)
    assert "vollständige" not in english


def test_only_chairs_import(client, login_as, published, author):
    document, _v1, _v2, _v3 = published
    url = "/docs/transparency/v1/translations"
    login_as("stakeholder")
    assert client.get(url).status_code == 403
    assert client.post(url, data={"language": "de", "text": DE_V1}).status_code == 403
    login_as("moderator", document.group)
    assert client.post(url, data={"language": "de", "text": DE_V1}).status_code == 403
    login_as("chair", document.group)
    assert client.get(url).status_code == 200
    response = client.post(url, data={"language": "de", "text": DE_V1})
    assert response.status_code == 302 and "text=de" in response.headers["Location"]


def test_import_page_reports_unknown_keys_and_keeps_the_text(client, login_as, published):
    document, _v1, _v2, _v3 = published
    login_as("chair", document.group)
    bad = DE_V1 + "\n## Verpflichtung 9 {#c9}\n"
    response = client.post(
        "/docs/transparency/v1/translations", data={"language": "fr", "text": bad}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "“c9” is not a provision of version 1" in page
    assert "Verpflichtung 9" in page  # what was typed is kept
    refused = client.post(
        "/docs/transparency/v1/translations", data={"language": "en", "text": DE_V1}
    )
    assert refused.status_code == 400  # the authoritative language is not offered


def test_import_by_upload(client, login_as, published):
    document, _v1, _v2, _v3 = published
    login_as("chair", document.group)
    response = client.post(
        "/docs/transparency/v1/translations",
        data={"language": "de", "upload": (io.BytesIO(DE_V1.encode()), "de.md")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get("/docs/transparency/v1/translations").get_data(as_text=True)
    assert "Imported translations" in page and 'lang="de">Deutsch</a>' in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in page


def test_quote_from_the_translation_is_checked_against_it(client, login_as, published, author):
    _document, _v1, v2, _v3 = published
    _import(v2, DE_V2, author)
    _db.session.commit()
    login_as("stakeholder")
    url = "/docs/transparency/v2/c1-m1/"
    page = client.get(url + "?text=de").get_data(as_text=True)
    assert 'name="quote_language" type="hidden" value="de"' in page
    assert "vollständige technische Dokumentation" in page
    data = {
        "body": "Die Dokumentation sollte auch den Energieverbrauch des Trainings nennen.",
        "kind": "general",
        "language": "detect",
        "quote": "eine vollständige technische Dokumentation",
        "quote_language": "de",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    comment = _db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert (comment.language, comment.quote_language) == ("de", "de")
    thread = client.get(url).get_data(as_text=True)
    assert '<span lang="de">“' in thread  # the quote alone, not its hidden label
    assert "Quoted from the translation into German" in thread
    assert '<div class="govuk-body consult-comment__body" lang="de">' in thread
    # a passage the German text does not have is refused
    refused = client.post(url, data={**data, "quote": "eine Zeile, die es nicht gibt"})
    assert refused.status_code == 200 and "must be copied exactly" in refused.get_data(as_text=True)
    # an English quote while reading German is found in the source: stored without a language
    english = client.post(url, data={**data, "quote": "full technical documentation"})
    assert english.status_code == 302
    comment = _db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert comment.quote_language is None
