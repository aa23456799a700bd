"""Atom feeds: valid Atom, only public content, and linked from the pages they follow."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from consult.comments.models import STATE_HIDDEN
from consult.db import utcnow
from consult.extensions import db
from tests import factories

NS = {"a": "http://www.w3.org/2005/Atom"}


def _atom(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own response
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287: a feed and each entry have an id, a title and an updated time.
    for element in [root, *root.findall("a:entry", NS)]:
        for required in ("a:id", "a:title", "a:updated"):
            assert element.find(required, NS) is not None, required
    return root


def _titles(root: ET.Element) -> list[str]:
    return [e.findtext("a:title", namespaces=NS) or "" for e in root.findall("a:entry", NS)]


def _version(document, number, status="published", **fields):
    version = factories.VersionFactory(document=document, number=number, status="editing")
    section = factories.SectionFactory(version=version, heading="Opt-outs")
    version.status = status
    for name, value in fields.items():
        setattr(version, name, value)
    db.session.flush()
    return version, section


@pytest.fixture
def consultation(db):
    group = factories.GroupFactory(name="Transparency")
    document = factories.DocumentFactory(group=group, title="Copyright chapter")
    earlier = utcnow() - timedelta(days=10)
    v1, section = _version(document, 1, changelog="First *draft*.", published_at=earlier)
    v2, _ = _version(document, 2, changelog="Second draft.")
    factories.VersionFactory(document=document, number=3, status="editing", published_at=None)
    hidden_doc = factories.DocumentFactory(
        group=group, title="Members chapter", visibility="members"
    )
    _version(hidden_doc, 1)
    public = factories.CommentFactory(section=section, organisation_name="Open Lab")
    factories.DispositionFactory(comment=public, outcome="accepted", rationale="Done <b>now</b>.")
    secret = factories.CommentFactory(section=section, is_confidential=True)
    factories.DispositionFactory(comment=secret, outcome="rejected", rationale="Secret reason.")
    hidden = factories.CommentFactory(section=section, state=STATE_HIDDEN)
    factories.DispositionFactory(comment=hidden, outcome="noted", rationale="Hidden reason.")
    undecided = factories.CommentFactory(section=section)
    factories.DispositionFactory(comment=undecided, outcome=None, rationale="", decided_at=None)
    db.session.commit()
    return {"group": group, "document": document, "v1": v1, "v2": v2, "hidden_doc": hidden_doc}


def test_document_feed_lists_published_versions_newest_first(client, consultation):
    document = consultation["document"]
    root = _atom(client, f"/docs/{document.slug}/versions.atom")
    assert _titles(root) == ["Copyright chapter: version 2", "Copyright chapter: version 1"]
    content = root.findall("a:entry", NS)[1].findtext("a:content", namespaces=NS)
    assert content is not None and "<em>draft</em>" in content  # rendered, then escaped in XML
    link = root.find("a:link[@rel='self']", NS)
    assert link is not None and link.get("href", "").endswith("/versions.atom")


def test_group_feed_has_only_public_documents(client, consultation):
    root = _atom(client, f"/groups/{consultation['group'].slug}/versions.atom")
    titles = _titles(root)
    assert "Copyright chapter: version 2" in titles
    assert not any("Members chapter" in t for t in titles)


def test_disposition_feed_has_only_public_decisions(client, consultation):
    document = consultation["document"]
    root = _atom(client, f"/docs/{document.slug}/v1/dispositions.atom")
    titles = _titles(root)
    assert len(titles) == 1 and titles[0].startswith("Accepted: comment by Open Lab on")
    text = ET.tostring(root, encoding="unicode")
    assert "Secret reason" not in text and "Hidden reason" not in text
    assert "<b>" not in (root.find("a:entry/a:content", NS).text or "")  # bleached


@pytest.mark.parametrize(
    "url",
    [
        "/docs/{hidden}/versions.atom",
        "/docs/{hidden}/v1/dispositions.atom",
        "/docs/{doc}/v3/dispositions.atom",  # still being edited
        "/docs/{doc}/v99999999999/dispositions.atom",
        "/docs/nothing/versions.atom",
        "/groups/nothing/versions.atom",
    ],
)
def test_feeds_of_what_is_not_public_are_not_found(client, login_as, consultation, url):
    login_as("admin")  # even an admin's feed shows public content only
    url = url.format(hidden=consultation["hidden_doc"].slug, doc=consultation["document"].slug)
    assert client.get(url).status_code == 404


def test_pages_link_their_feeds(client, consultation):
    document = consultation["document"]
    alternate = 'rel="alternate" type="application/atom+xml"'
    page = client.get(f"/docs/{document.slug}/v1/").get_data(as_text=True)
    assert page.count(alternate) == 2
    assert f'href="/docs/{document.slug}/versions.atom"' in page
    assert f'href="/docs/{document.slug}/v1/dispositions.atom"' in page
    page = client.get(f"/groups/{consultation['group'].slug}/").get_data(as_text=True)
    assert f'href="/groups/{consultation["group"].slug}/versions.atom"' in page
    assert alternate not in client.get("/").get_data(as_text=True)


def test_members_only_pages_link_no_feed(client, login_as, consultation):
    login_as("admin")
    page = client.get(f"/docs/{consultation['hidden_doc'].slug}/v1/").get_data(as_text=True)
    assert "application/atom+xml" not in page
