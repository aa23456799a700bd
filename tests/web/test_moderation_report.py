"""The public disposition report and its CSV: rows, counts, escaping, confidentiality."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from consult.db import utcnow
from consult.extensions import db
from consult.moderation.models import Change, ChangeComment, Revision
from tests import factories
from tests.web.test_moderation_support import build_consultation, login, publish_next_version


def _csv(response) -> list[dict[str, str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, so spreadsheets detect the encoding
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _with_next_version(c):
    """Version 2 published from a revision whose change on measure 1.1 cites comment 0."""
    v2 = publish_next_version(
        c,
        [
            {
                "provision": c.sections[0].provision,
                "number": "1.1",
                "heading": "Documentation kept current",
                "body": "Signatories shall keep documentation current.",
            }
        ],
    )
    revision = Revision(
        document_id=c.document.id,
        base_version_id=c.version.id,
        version_id=v2.id,
        status="published",
    )
    db.session.add(revision)
    db.session.flush()
    change = Change(revision_id=revision.id, provision_id=c.sections[0].provision_id)
    db.session.add(change)
    db.session.flush()
    db.session.add(
        ChangeComment(
            change_id=change.id, comment_id=c.comments[0].id, applied=True, created_at=utcnow()
        )
    )
    db.session.flush()
    return v2


def test_report_lists_public_comments_per_provision_with_disposition_and_landing(client, db):
    c = build_consultation(comments=2)
    factories.DispositionFactory(
        comment=c.comments[0], outcome="accepted", rationale="Clearer wording adopted."
    )
    _with_next_version(c)
    page = client.get(c.url("report")).get_data(as_text=True)
    assert f"#{c.comments[0].id}" in page and f"#{c.comments[1].id}" in page
    assert "Clearer wording adopted." in page
    assert "Accepted" in page and "Not yet decided" in page
    assert "Documentation kept current (version 2)" in page
    assert "(proposal applied)" in page
    assert c.comments[0].organisation_name in page
    assert "Measure 1.1" in page and "Measure 1.2" in page


def test_summary_counts_and_percentages_per_category(client, db):
    c = build_consultation(comments=0)
    sme_org = factories.OrganisationFactory(category=factories.category("sme"))
    sme_user = factories.UserFactory(organisation=sme_org)
    industry = [factories.CommentFactory(section=c.sections[0]) for _ in range(4)]
    sme = [factories.CommentFactory(section=c.sections[1], author=sme_user) for _ in range(2)]
    factories.DispositionFactory(comment=industry[0], outcome="accepted")
    factories.DispositionFactory(comment=industry[1], outcome="rejected")
    factories.DispositionFactory(comment=industry[2], outcome="rejected")
    factories.DispositionFactory(comment=sme[0], outcome="partly_accepted")
    page = client.get(c.url("report")).get_data(as_text=True)
    summary = page[page.index("Dispositions by stakeholder category") : page.index('id="comments"')]
    industry_row = summary[summary.index(">Industry<") : summary.index(">SMEs<")]
    assert '1 <span class="govuk-body-s">(25%)</span>' in industry_row  # accepted
    assert '2 <span class="govuk-body-s">(50%)</span>' in industry_row  # rejected
    assert "33%" in industry_row  # taken up: 1 of 3 decided
    sme_row = summary[summary.index(">SMEs<") : summary.index(">Academia<")]
    assert "100%" in sme_row  # taken up: 1 of 1 decided
    total_row = summary[summary.index(">All categories<") :]
    assert ">6<" in total_row


def test_confidential_hidden_and_replies_never_in_report_csv_or_counts(client, db):
    c = build_consultation(comments=1)
    civil = factories.OrganisationFactory(
        category=factories.category("civil-society"), name="Secret Watchdog"
    )
    secret = factories.CommentFactory(
        section=c.sections[0],
        is_confidential=True,
        author=factories.UserFactory(organisation=civil),
        body="Confidential concern about the model weights.",
    )
    factories.DispositionFactory(comment=secret, outcome="accepted", rationale="Secret reason")
    hidden = factories.CommentFactory(
        section=c.sections[0], state="hidden", body="Abusive text hidden by moderators."
    )
    reply = factories.CommentFactory(
        section=c.sections[0], parent_id=c.comments[0].id, root_id=c.comments[0].id, depth=1,
        body="A reply is not part of the report.",
    )  # fmt: skip
    # Even a moderator reading the report does not see them there.
    login(client, c.moderator)
    for url in (c.url("report"), c.url("report.csv")):
        text = client.get(url).get_data(as_text=True)
        for needle in (
            "Secret Watchdog", "Confidential concern", "Secret reason",
            f"#{secret.id}", "Abusive text", "A reply is not",
        ):  # fmt: skip
            assert needle not in text, (url, needle)
    rows = _csv(client.get(c.url("report.csv")))
    assert [int(r["comment_id"]) for r in rows] == [c.comments[0].id]
    assert {hidden.id, reply.id, secret.id}.isdisjoint({int(r["comment_id"]) for r in rows})
    page = client.get(c.url("report")).get_data(as_text=True)
    summary = page[page.index("Dispositions by stakeholder category") : page.index('id="comments"')]
    civil_row = summary[summary.index(">Civil society<") : summary.index(">Open source<")]
    assert ">0<" in civil_row  # not even counted
    total_row = summary[summary.index(">All categories<") :]
    assert ">1<" in total_row


def test_duplicate_of_a_confidential_comment_does_not_reveal_it(client, db):
    c = build_consultation(comments=1)
    secret = factories.CommentFactory(section=c.sections[0], is_confidential=True)
    factories.DispositionFactory(
        comment=c.comments[0], outcome="duplicate", duplicate_of_id=secret.id, rationale=""
    )
    rows = _csv(client.get(c.url("report.csv")))
    assert rows[0]["disposition"] == "Duplicate" and rows[0]["duplicate_of"] == ""
    assert f"#{secret.id}" not in client.get(c.url("report")).get_data(as_text=True)


def test_csv_rows_escaping_dates_and_headers(client, db):
    c = build_consultation(comments=0)
    tricky = [
        'Commas, "quotes" and\nnewlines',
        "=cmd|' /C calc'!A0",
        "+SUM(A1:A2)",
        "-2+3",
        "@SUM(A1)",
        "\tTabbed",
        "\rCarriage",
    ]
    comments = [factories.CommentFactory(section=c.sections[0], body=body) for body in tricky]
    factories.DispositionFactory(
        comment=comments[0], outcome="rejected", rationale='=HYPERLINK("http://x")'
    )
    org = factories.OrganisationFactory(name="=Evil Org, Ltd.")
    factories.CommentFactory(section=c.sections[1], author=factories.UserFactory(organisation=org))
    response = client.get(c.url("report.csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{c.slug}-v1-disposition-report.csv"'
    )
    assert response.is_streamed
    rows = _csv(response)
    assert len(rows) == len(tricky) + 1  # one row per comment
    by_id = {int(r["comment_id"]): r for r in rows}
    assert by_id[comments[0].id]["comment"] == 'Commas, "quotes" and\nnewlines'
    assert by_id[comments[1].id]["comment"] == "'=cmd|' /C calc'!A0"
    assert by_id[comments[2].id]["comment"] == "'+SUM(A1:A2)"
    assert by_id[comments[3].id]["comment"] == "'-2+3"
    assert by_id[comments[4].id]["comment"] == "'@SUM(A1)"
    assert by_id[comments[5].id]["comment"] == "'\tTabbed"
    assert by_id[comments[6].id]["comment"] == "'\rCarriage"
    assert by_id[comments[0].id]["rationale"] == '\'=HYPERLINK("http://x")'
    assert by_id[comments[0].id]["disposition"] == "Rejected"
    assert any(r["organisation"] == "'=Evil Org, Ltd." for r in rows)
    submitted = datetime.fromisoformat(by_id[comments[0].id]["submitted_at"])
    assert submitted.tzinfo is not None  # ISO 8601 with the UTC offset
    assert datetime.fromisoformat(by_id[comments[0].id]["decided_at"]).tzinfo is not None
    assert by_id[comments[0].id]["provision_key"] == "c1-m1"
    assert by_id[comments[0].id]["comment_url"].startswith("http")


def test_csv_landing_and_many_rows_in_batches(client, db, monkeypatch):
    from consult.moderation import report

    monkeypatch.setattr(report, "CSV_BATCH", 3)
    c = build_consultation(comments=8)
    _with_next_version(c)
    rows = _csv(client.get(c.url("report.csv")))
    assert len(rows) == 8
    landed = [r for r in rows if r["led_to"]]
    assert [int(r["comment_id"]) for r in landed] == [c.comments[0].id]
    assert "Documentation kept current (version 2)" in landed[0]["led_to"]
    assert landed[0]["led_to_url"].startswith("http")


def test_members_only_document_report_is_not_public(client, db):
    c = build_consultation(comments=1)
    c.document.visibility = "members"
    db.session.flush()
    assert client.get(c.url("report")).status_code in (302, 401)
    assert client.get(c.url("report.csv")).status_code in (302, 401)
    login(client, c.moderator)
    assert client.get(c.url("report.csv")).status_code == 200


def _fill(c, count: int) -> None:
    sme = factories.OrganisationFactory(category=factories.category("sme"))
    for i in range(count):
        comment = factories.CommentFactory(
            section=c.sections[i % 3],
            author=factories.UserFactory(organisation=sme) if i % 2 else None,
            is_confidential=i % 7 == 0,
        ) if i % 2 else factories.CommentFactory(section=c.sections[i % 3])  # fmt: skip
        if i % 3 == 0:
            factories.DispositionFactory(comment=comment, outcome="rejected")


def test_report_query_count_does_not_grow_with_comments(client, db, count_queries):
    small, large = build_consultation(comments=1), build_consultation(comments=1)
    _fill(small, 10)
    _fill(large, 60)
    for c in (small, large):
        _with_next_version(c)
    client.get(small.url("report"))
    counts = []
    for c in (small, large):
        with count_queries() as q:
            assert client.get(c.url("report")).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1]
