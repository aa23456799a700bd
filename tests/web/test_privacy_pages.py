"""Retention purge, the privacy notice, accessibility statement, rules and statistics pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.api.models import ApiToken
from consult.comments.models import PendingComment
from consult.core.models import AuditEvent, OutboxMessage
from consult.db import utcnow
from consult.extensions import db as _db
from tests import factories
from tests.web.test_moderation_support import build_consultation


def test_purge_applies_each_retention_period(app, db):
    old = utcnow() - timedelta(days=31)
    stale = factories.UserFactory(email_verified_at=None, created_at=old, display_name="Stale")
    fresh = factories.UserFactory(email_verified_at=None, display_name="Fresh")
    confirmed = factories.UserFactory(created_at=old, display_name="Confirmed")
    sent_old = OutboxMessage(
        to_addr="a@example.org",
        subject="Old",
        body_text="secret link",
        status="sent",
        sent_at=utcnow() - timedelta(days=91),
    )
    sent_new = OutboxMessage(
        to_addr="a@example.org", subject="New", body_text="recent", status="sent", sent_at=utcnow()
    )
    revoked = ApiToken(
        user_id=confirmed.id, name="x", token_hash="d" * 64, prefix="x", revoked_at=utcnow()
    )
    live = ApiToken(user_id=confirmed.id, name="y", token_hash="c" * 64, prefix="y")
    section = build_consultation(comments=0).sections[0]
    expired = PendingComment(
        token="t" * 40, section_id=section.id, created_at=utcnow() - timedelta(days=2)
    )
    audit_old = AuditEvent(action="x", object_type="users", at=utcnow() - timedelta(days=4000))
    _db.session.add_all([sent_old, sent_new, revoked, live, expired, audit_old])
    _db.session.flush()
    result = app.test_cli_runner().invoke(args=["consult", "purge"])
    assert result.exit_code == 0, result.output
    assert "Unconfirmed accounts: 1" in result.output and "Sent e-mail bodies: 1" in result.output
    assert "Audit entries: 0" in result.output  # kept unless a period is configured
    assert stale.is_erased and stale.display_name == "Former participant"
    assert not fresh.is_erased and not confirmed.is_erased
    assert sent_old.body_text == "" and sent_new.body_text == "recent"
    tokens = _db.session.scalars(select(ApiToken.name)).all()
    assert tokens == ["y"]
    assert _db.session.scalars(select(PendingComment)).all() == []
    assert _db.session.get(AuditEvent, audit_old.id) is not None


def test_purge_deletes_audit_entries_only_when_configured(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 365)
    old = AuditEvent(action="x", object_type="users", at=utcnow() - timedelta(days=400))
    recent = AuditEvent(action="y", object_type="users")
    _db.session.add_all([old, recent])
    _db.session.flush()
    old_id, recent_id = old.id, recent.id
    result = app.test_cli_runner().invoke(args=["consult", "purge"])
    assert "Audit entries: 1" in result.output
    _db.session.expire_all()
    assert _db.session.get(AuditEvent, old_id) is None
    assert _db.session.get(AuditEvent, recent_id) is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/privacy",
            [
                "Who is responsible",
                "Legal basis",
                "Who receives it",
                "How long we keep it",
                "Your rights",
                "Contact",
            ],
        ),
        (
            "/accessibility",
            [
                "WCAG) 2.1 level AA",
                "EN 301 549",
                "Known exceptions",
                "How to report a problem",
                "last checked on",
            ],
        ),
        ("/participation-rules", ["Participation rules", "Be courteous"]),
        ("/statistics", ["Statistics", "<svg", "<table"]),
    ],
)
def test_public_pages_for_everyone_and_linked_from_the_footer(client, db, login_as, url, expected):
    for role in ("visitor", "stakeholder", "admin"):
        login_as(role)
        page = client.get(url).get_data(as_text=True)
        for text in expected:
            assert text in page
        footer = page[page.index("<footer") :]
        assert f'href="{url}"' in footer


def test_privacy_notice_details_are_settings(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "CONTROLLER_NAME", "European AI Office")
    monkeypatch.setitem(app.config, "DPO_EMAIL", "dpo@ai-office.example")
    monkeypatch.setitem(app.config, "ACCESSIBILITY_CHECKED_ON", "2026-10-01")
    page = client.get("/privacy").get_data(as_text=True)
    assert "European AI Office" in page and "dpo@ai-office.example" in page
    assert "2026-10-01" in client.get("/accessibility").get_data(as_text=True)


def test_comment_form_links_the_participation_rules(client, db, login_as):
    c = build_consultation(comments=0)
    login_as("stakeholder")
    page = client.get(c.url(f"{c.sections[0].provision.key}/")).get_data(as_text=True)
    form = page[page.index('name="body"') :]
    assert 'href="/participation-rules"' in form[: form.index("</form>")]


def test_statistics_count_public_comments_only_in_a_bounded_number_of_queries(
    client, db, count_queries
):
    c = build_consultation(comments=3)
    factories.CommentFactory(section=c.sections[0], is_confidential=True)
    factories.DispositionFactory(comment=c.comments[0], outcome="accepted")
    with count_queries() as counter:
        page = client.get("/statistics").get_data(as_text=True)
    month = utcnow().strftime("%Y-%m")
    row = page[page.index(f'<th scope="row" class="govuk-table__header">{month}</th>') :]
    row = row[: row.index("</tr>")]
    assert row.rstrip().endswith('<td class="govuk-table__cell govuk-table__cell--numeric">3</td>')
    assert counter.count <= 8
    more = build_consultation(comments=6)
    assert more
    with count_queries() as again:
        client.get("/statistics")
    assert again.count == counter.count


def test_person_and_organisation_pages_show_public_comments_paginated(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    c = build_consultation(comments=0)
    person = factories.UserFactory(display_name="Listed Person", listed_publicly=True)
    for n in range(3):
        factories.CommentFactory(section=c.sections[0], author=person, body=f"Public remark {n}.")
    factories.CommentFactory(
        section=c.sections[1], author=person, body="Only staff read this.", is_confidential=True
    )
    for url in (f"/people/{person.id}", f"/organisations/{person.organisation_id}"):
        first = client.get(url).get_data(as_text=True)
        assert "Public remark 2." in first and "Public remark 1." in first
        assert "Public remark 0." not in first and "Only staff read this." not in first
        assert "Page 1 of 2" in first
        second = client.get(url + "?page=2").get_data(as_text=True)
        assert "Public remark 0." in second
    assert "Listed Person" in client.get(f"/organisations/{person.organisation_id}").get_data(
        as_text=True
    )
