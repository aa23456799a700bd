"""Open-data exports: public content only, ids that join, valid Data Package and Akoma Ntoso."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from frictionless import validate as validate_package
from lxml import etree

from consult.extensions import db
from consult.opendata import akn
from consult.opendata.records import TABLES
from tests import factories
from tests.web.test_moderation_report import _with_next_version
from tests.web.test_moderation_support import build_consultation, login


def _record():
    """Version 1 with public, confidential, hidden and deleted comments, a reply, endorsements,
    dispositions and a change in version 2 that cites comment 0."""
    c = build_consultation(comments=2)
    c.secret = factories.CommentFactory(section=c.sections[0], is_confidential=True,
                                        body="Confidential text")  # fmt: skip
    c.hidden = factories.CommentFactory(section=c.sections[1], state="hidden", body="Hidden text")
    c.deleted = factories.CommentFactory(section=c.sections[1], state="deleted", body="Gone text")
    c.reply = factories.CommentFactory(section=c.sections[0], parent_id=c.comments[0].id,
                                       root_id=c.comments[0].id, depth=1)  # fmt: skip
    factories.EndorsementFactory(comment=c.comments[0], stance="support")
    factories.EndorsementFactory(comment=c.secret, stance="support")
    factories.DispositionFactory(comment=c.comments[0], outcome="accepted", rationale="Yes.")
    factories.DispositionFactory(comment=c.secret, outcome="rejected", rationale="Secret no.")
    c.v2 = _with_next_version(c)
    db.session.commit()
    return c


def _csv(client, c, table: str) -> list[dict[str, str]]:
    response = client.get(c.url(f"open-data/{table}.csv"))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_tables_hold_public_content_only_and_join(client, db):
    c = _record()
    comments = _csv(client, c, "comments")
    ids = {int(row["comment_id"]) for row in comments}
    assert ids == {c.comments[0].id, c.comments[1].id, c.reply.id}
    assert all(
        row["body"] not in {"Confidential text", "Hidden text", "Gone text"} for row in comments
    )
    provisions = {int(row["provision_id"]) for row in _csv(client, c, "provisions")}
    assert {int(row["provision_id"]) for row in comments} <= provisions
    endorsements = _csv(client, c, "endorsements")
    assert [int(row["comment_id"]) for row in endorsements] == [c.comments[0].id]
    dispositions = _csv(client, c, "dispositions")
    assert [(int(r["comment_id"]), r["outcome"]) for r in dispositions] == [
        (c.comments[0].id, "accepted")
    ]
    changes = _csv(client, c, "changes")
    assert [(int(r["comment_id"]), r["version"], r["applied"]) for r in changes] == [
        (c.comments[0].id, "2", "true")
    ]
    assert "email" not in ",".join(comments[0].keys())


def test_record_json_matches_the_tables(client, db):
    c = _record()
    response = client.get(c.url("open-data/record.json"))
    record = json.loads(response.get_data(as_text=True))
    assert record["version"]["number"] == 1 and record["document"]["slug"] == c.slug
    assert {t.name for t in TABLES} <= set(record)
    assert {row["comment_id"] for row in record["comments"]} == {
        c.comments[0].id, c.comments[1].id, c.reply.id}  # fmt: skip
    assert "Secret no." not in response.get_data(as_text=True)


def test_zip_is_a_valid_frictionless_data_package(client, db, tmp_path):
    c = _record()
    response = client.get(f"/docs/{c.slug}/v1/open-data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        names = set(archive.namelist())
        assert names == {"datapackage.json", "record.json", *(f"{t.name}.csv" for t in TABLES)}
        archive.extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert [r["path"] for r in descriptor["resources"]] == [f"{t.name}.csv" for t in TABLES]
    report = validate_package(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["title", "message"])


def test_data_package_validation_catches_a_broken_join(client, db, tmp_path):
    """The validation above is not a formality: a comment on an unknown provision fails it."""
    c = _record()
    with zipfile.ZipFile(
        io.BytesIO(client.get(f"/docs/{c.slug}/v1/open-data.zip").get_data())
    ) as z:
        z.extractall(tmp_path)
    comments = (tmp_path / "comments.csv").read_text().splitlines()
    row = comments[1].split(",")
    row[1] = "999999"
    (tmp_path / "comments.csv").write_text("\n".join([comments[0], ",".join(row), *comments[2:]]))
    assert not validate_package(str(tmp_path / "datapackage.json")).valid


def test_akoma_ntoso_is_valid_and_keeps_stable_ids(client, db):
    c = _record()
    first = client.get(f"/docs/{c.slug}/v1/akoma-ntoso.xml")
    second = client.get(f"/docs/{c.slug}/v2/akoma-ntoso.xml")
    assert first.status_code == second.status_code == 200
    for response in (first, second):
        assert akn.validate(response.get_data()) == []
    ns = {"a": akn.NS}
    tree_1 = etree.fromstring(first.get_data())
    tree_2 = etree.fromstring(second.get_data())
    points_1 = tree_1.xpath("//a:body//a:point", namespaces=ns)
    assert [p.get("eId") for p in points_1] == ["c1-m1", "c1-m2", "c1-m3"]
    wid = f"prov_{c.sections[0].provision_id}"
    assert tree_2.xpath(f"//a:point[@wId='{wid}']/a:heading/text()", namespaces=ns) == [
        "Documentation kept current"
    ]
    assert tree_1.xpath(f"//a:point[@wId='{wid}']/a:heading/text()", namespaces=ns) == [
        "Measure heading 1"
    ]


def test_akoma_ntoso_validation_catches_an_invalid_document():
    broken = (
        b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><bill/></akomaNtoso>'
    )
    assert akn.validate(broken)


def test_paragraphs_of_markdown():
    text = "First **bold** line\ncontinues.\n\n- one\n- two\n\n## Heading"
    assert akn.paragraphs(text) == ["First bold line continues.", "one", "two", "Heading"]


def test_exports_are_linked_from_the_version_and_report_pages(client, db):
    c = _record()
    for page in (f"/docs/{c.slug}/v1/", f"/docs/{c.slug}/v1/report"):
        html = client.get(page).get_data(as_text=True)
        assert f"/docs/{c.slug}/v1/open-data.zip" in html
        assert f"/docs/{c.slug}/v1/akoma-ntoso.xml" in html
        assert f"/docs/{c.slug}/v1/open-data/comments.csv" in html


@pytest.mark.parametrize(
    "path", ["open-data.zip", "akoma-ntoso.xml", "open-data/record.json", "open-data/comments.csv"]
)
def test_members_only_exports_are_404_to_others(client, db, path):
    group = factories.GroupFactory()
    document = factories.DocumentFactory(group=group, visibility="members")
    factories.VersionFactory(document=document, number=1)
    member = factories.UserFactory()
    factories.MembershipFactory(user=member, group=group, role="member")
    outsider = factories.UserFactory()
    db.session.commit()
    signed_out = client.get(f"/docs/{document.slug}/v1/{path}")
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    login(client, outsider)
    assert client.get(f"/docs/{document.slug}/v1/{path}").status_code == 404
    client.post("/logout")
    login(client, member)
    assert client.get(f"/docs/{document.slug}/v1/{path}").status_code == 200


def test_unknown_table_is_404(client, db):
    c = _record()
    assert client.get(c.url("open-data/users.csv")).status_code == 404
