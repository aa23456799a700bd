"""Windows change only in the open; late answers stay possible (issue 11, parts 3 and 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from consult.core.models import AuditEvent, OutboxMessage
from consult.db import utcnow
from consult.drafts.models import WINDOW_CHANGE_KEY, Section, Version
from consult.extensions import db
from consult.moderation import report
from consult.moderation import services as moderation
from consult.moderation.models import Disposition
from tests import factories
from tests.web.test_moderation_support import build_consultation, login


def _set_window(version, **window) -> None:
    """Set-up only: the services refuse to change a published window without a reason."""
    db.session.info.setdefault(WINDOW_CHANGE_KEY, set()).add(version.id)
    for name, value in window.items():
        setattr(version, name, value)
    db.session.flush()


def _publish_v2(c) -> Version:
    v2 = factories.VersionFactory(document=c.document, number=2, status="editing")
    db.session.add(Section(version=v2, position=0, provision=c.sections[0].provision,
                           kind="measure", number="1.1", heading="", body="Text."))  # fmt: skip
    db.session.flush()
    v2.status, v2.published_at = "published", utcnow() - timedelta(minutes=5)
    c.version.status = "superseded"
    db.session.flush()
    return v2


def _mails_to(user) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    )


def test_the_prefilled_window_form_saves_unchanged_fields_as_they_are(client, db):
    c = build_consultation(comments=0)
    # Stored with seconds, as publishing "now" stores it; the form shows minutes.
    _set_window(
        c.version,
        opens_at=datetime(2026, 11, 20, 9, 14, 37, tzinfo=UTC),
        closes_at=datetime(2030, 12, 12, 16, 0, tzinfo=UTC),
    )
    login(client, c.chair)
    url = c.url("window")
    page = client.get(url).get_data(as_text=True)
    assert 'value="2026-11-20T10:14"' in page
    response = client.post(
        url,
        data={
            "opens_at": "2026-11-20T10:14",
            "closes_at": "2030-12-19T17:00",
            "reason": "Two more weeks.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    version = db.session.get(Version, c.version.id)
    assert version.opens_at == datetime(2026, 11, 20, 9, 14, 37, tzinfo=UTC)
    assert version.closes_at == datetime(2030, 12, 19, 16, 0, tzinfo=UTC)


def test_a_window_change_needs_a_reason_is_shown_on_the_version_page_and_mailed(client, db):
    c = build_consultation(comments=1)
    commenter = c.comments[0].author
    member = factories.UserFactory()
    factories.MembershipFactory(user=member, group=c.group, role="member")
    _set_window(c.version, closes_at=datetime(2030, 12, 12, 16, 0, tzinfo=UTC))
    login(client, c.chair)
    url = c.url("window")
    refused = client.post(url, data={"closes_at": "2030-12-19T17:00", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the window changes" in refused.get_data(as_text=True)
    response = client.post(
        url, data={"closes_at": "2030-12-19T17:00", "reason": "SMEs asked for more time."}
    )
    assert response.status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "version.window")
    ).one()
    assert event.data["reason"] == "SMEs asked for more time."
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    today = utcnow().astimezone().strftime("%B")
    assert (
        "from 12 December 2030, 17:00 to 19 December 2030, 17:00 (Europe/Brussels time): "
        "SMEs asked for more time." in page
    )
    assert "Extended on " in page and today in page
    for person in (commenter, member):
        (mail,) = _mails_to(person)
        assert "new deadline" in mail.subject
        assert "SMEs asked for more time." in mail.body_text


def test_publishing_while_the_window_is_open_asks_for_confirmation_and_tells_people(client, db):
    c = build_consultation(comments=1)
    commenter = c.comments[0].author
    end = utcnow().replace(microsecond=0) + timedelta(days=10)
    _set_window(c.version, closes_at=end)
    factories.DispositionFactory(comment=c.comments[0], outcome="noted", rationale="Noted.")
    login(client, c.chair)
    revision = client.post(c.url("revisions"))
    assert revision.status_code == 302
    url = revision.headers["Location"].rstrip("/") + "/publish"
    page = client.get(url).get_data(as_text=True)
    assert "The consultation on version 1 is still open" in page
    data = {"changelog": "Clearer duties."}
    refused = client.post(url, data=data)
    assert refused.status_code == 400
    assert "still open" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Version, c.version.id).status == "published"
    response = client.post(url, data={**data, "close_open_window": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    v1 = db.session.get(Version, c.version.id)
    assert v1.status == "superseded" and v1.closes_at <= utcnow()
    (mail,) = [m for m in _mails_to(commenter) if "has closed" in m.subject]
    assert "before its announced end" in mail.body_text
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    assert "when version 2 was published, instead of" in page


def test_a_comment_left_undecided_can_be_answered_after_the_next_version(client, db):
    c = build_consultation(comments=2)
    decided, undecided = c.comments
    factories.DispositionFactory(
        comment=decided, outcome="noted", rationale="Noted.", decided_at=utcnow() - timedelta(1)
    )
    _publish_v2(c)
    login(client, c.moderator)
    page = client.get(c.url(f"triage/{undecided.id}")).get_data(as_text=True)
    assert "can still be answered" in page
    response = client.post(
        c.url(f"triage/{undecided.id}"), data={"outcome": "noted", "rationale": "Late, sorry."}
    )
    assert response.status_code == 302
    disposition = db.session.scalars(
        select(Disposition).where(Disposition.comment_id == undecided.id)
    ).one()
    assert disposition.outcome == "noted"
    # A decision already taken stays final.
    refused = client.post(
        c.url(f"triage/{decided.id}"), data={"outcome": "accepted", "rationale": "No."}
    )
    assert refused.status_code == 400
    rows = {r.comment_id: r for r in db.session.execute(report.report_statement(c.version))}
    assert rows[undecided.id].decided_late and not rows[decided.id].decided_late
    html = client.get(c.url("report")).get_data(as_text=True)
    assert "Decided after version 2 was published" in html


def test_the_version_page_shows_how_many_are_still_undecided(client, db):
    c = build_consultation(comments=3)
    moderation.set_disposition(c.comments[0], outcome="noted", rationale="N.", user=c.moderator)
    login(client, c.moderator)
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    assert "(2 of 3 comments still undecided)" in page
