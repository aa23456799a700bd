"""Full-text search: results, highlights, hostile queries, facets, sorting, paging, the index."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.comments.models import STATE_HIDDEN
from consult.db import utcnow
from consult.extensions import db
from consult.search.indexing import reindex
from consult.search.models import SearchEntry
from consult.search.query import mark, parse_terms
from tests import factories


def _search(client, q: str, **args) -> str:
    response = client.get("/search", query_string={"q": q, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(version=None, **fields):
    """A section of a published version (sections go in while it is being edited)."""
    version = version or factories.VersionFactory(status="editing")
    section = factories.SectionFactory(version=version, **fields)
    version.status = "published"
    db.session.flush()
    return section


@pytest.fixture
def corpus(db):
    """A public version with a provision, two comments and a disposition."""
    section = _section(heading="Training data summary", body="Providers publish a summary.")
    version = section.version
    first = factories.CommentFactory(
        section=section, body="The summary should list every **crawler** used."
    )
    second = factories.CommentFactory(section=section, body="Copyright holders need an opt-out.")
    factories.DispositionFactory(comment=first, rationale="Accepted: crawlers are now listed.")
    db.session.commit()
    return {"version": version, "section": section, "first": first, "second": second}


def test_header_has_a_search_box(client, db):
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'name="q"' in page


def test_finds_provisions_comments_and_rationales_with_highlights(client, corpus):
    page = _search(client, "crawlers")
    assert "2 results" in page  # the comment (crawler, stemmed) and the rationale
    assert "<mark>crawler</mark>" in page and "<mark>crawlers</mark>" in page
    assert "Response to a comment" in page
    page = _search(client, "training summary")
    assert "<mark>Training</mark>" in page
    assert f"#comment-{corpus['first'].id}" in _search(client, "crawler")


def test_user_text_is_escaped_around_the_marks(client, db):
    section = _section()
    factories.CommentFactory(section=section, body="<script>alert(1)</script> 5 < 6 & zebrafish")
    db.session.commit()
    page = _search(client, "zebrafish")
    assert "<script>alert(1)" not in page
    assert "5 &lt; 6 &amp; <mark>zebrafish</mark>" in page


@pytest.mark.parametrize(
    "hostile",
    [
        '"', '""', "crawler AND", "NEAR(crawler", "crawler*", "-crawler", "(", "'; DROP",
        "title:crawler", "^crawler", "!!!", "a" * 5000, "crawler \x00 \ue000", "OR OR NOT",
    ],
)  # fmt: skip
def test_hostile_queries_never_fail(client, corpus, hostile):
    response = client.get("/search", query_string={"q": hostile})
    # NUL is refused before any view, with a clear 400 (bounded input, issue 12).
    assert response.status_code == (400 if "\x00" in hostile else 200)


def test_parse_terms_keeps_words_and_phrases_only():
    assert parse_terms('crawler "training data" NEAR( -x*') == [
        "crawler", "training data", "NEAR", "x",
    ]  # fmt: skip
    assert parse_terms('"" !!! ""') == []
    assert str(mark("a <b>\ue000c\ue001 \ue000d")) == "a &lt;b&gt;<mark>c</mark> d"


def test_quoted_phrase_needs_the_words_together(client, corpus):
    assert "1 result" in _search(client, '"holders need"')
    assert "0 results" in _search(client, '"need holders"')


def test_bad_filters_and_pages_are_ignored(client, corpus):
    for args in ({"page": "x"}, {"page": "99999999999"}, {"version": "abc"}, {"kind": "evil"}):
        response = client.get("/search", query_string={"q": "summary", **args})
        assert response.status_code == 200


def test_facets_count_and_filter(client, corpus):
    page = _search(client, "summary crawler")
    assert "Kind of result" in page and "Stakeholder category" in page
    page = _search(client, "crawlers", kind="disposition")
    assert "1 result" in page and "Comments</a> (1)" in page  # other kind still offered
    page = _search(client, "crawlers", outcome="accepted")
    assert "2 results" in page  # the comment has the outcome too
    page = _search(client, "crawlers", outcome="rejected")
    assert "0 results" in page


def test_newest_first_and_pagination(client, db):
    section = _section()
    start = utcnow() - timedelta(days=30)
    for n in range(25):
        factories.CommentFactory(
            section=section, body=f"Walrus point {n:02d}", created_at=start + timedelta(days=n)
        )
    db.session.commit()
    page = _search(client, "walrus", sort="newest")
    assert "25 results" in page and page.index("point 24") < page.index("point 23")
    assert "Page 1 of 2" in page
    second = _search(client, "walrus", sort="newest", page="2")
    assert "point 00" in second and "point 24" not in second


def test_index_follows_edits_hiding_and_decisions(client, corpus):
    comment = corpus["second"]
    comment.body = "Rightsholders need a machine-readable reservation."
    db.session.commit()
    assert "0 results" in _search(client, "copyright")
    assert "1 result" in _search(client, "reservation")
    disposition = factories.DispositionFactory(comment=comment, outcome=None, rationale="")
    db.session.commit()
    assert "0 results" in _search(client, "wardrobes")
    disposition.outcome = "noted"
    disposition.rationale = "Noted; wardrobes are covered elsewhere."
    db.session.commit()
    assert "1 result" in _search(client, "wardrobes")
    comment.state = STATE_HIDDEN
    db.session.commit()
    assert "0 results" in _search(client, "reservation")
    assert "0 results" in _search(client, "wardrobes")  # its response goes with it


def test_section_edits_follow(client, db):
    version = factories.VersionFactory(status="editing", published_at=None)
    section = factories.SectionFactory(version=version, body="About quokkas.")
    db.session.commit()
    section.body = "About wombats."
    db.session.commit()
    entry = db.session.query(SearchEntry).filter_by(kind="provision", object_id=section.id).one()
    assert entry.body == "About wombats."


def test_reindex_rebuilds_the_same_entries(client, corpus):
    before = sorted((e.kind, e.object_id, e.body, e.outcome) for e in db.session.query(SearchEntry))
    counts = reindex()
    db.session.commit()
    after = sorted((e.kind, e.object_id, e.body, e.outcome) for e in db.session.query(SearchEntry))
    assert after == before
    assert counts == {"provision": 1, "comment": 2, "disposition": 1}
    assert "2 results" in _search(client, "crawlers")


def test_reindex_command(app, corpus):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["consult", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 provisions, 2 comments, 1 responses" in result.output


def test_queries_do_not_grow_with_results(client, db, count_queries):
    section = _section()
    for n in range(3):
        factories.DispositionFactory(
            comment=factories.CommentFactory(section=section, body=f"Narwhal {n}"),
            rationale=f"Narwhal answer {n}",
        )
    db.session.commit()
    _search(client, "narwhal")
    with count_queries() as few:
        _search(client, "narwhal")
    for n in range(12):
        factories.CommentFactory(section=section, body=f"Narwhal more {n}")
    db.session.commit()
    with count_queries() as many:
        page = _search(client, "narwhal")
    assert "18 results" in page
    assert many.count == few.count
