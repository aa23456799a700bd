"""Updates by e-mail without an account (issue 19): double opt-in, one-click unsubscribe,
manage and delete, fan-out to subscribers, privacy (export, erasure, retention)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from consult.core.models import OutboxMessage
from consult.core.outbox import _build
from consult.core.retention import steps
from consult.db import utcnow
from consult.drafts.publishing import publish_version
from consult.drafts.updates import announce_windows
from consult.extensions import db as _db
from consult.groups import updates
from consult.groups.update_models import UpdateSubscriber, UpdateSubscriberGroup
from tests import factories

ALL_KINDS = ["versions", "consultations", "events", "adoption"]


def page(response) -> str:
    return response.get_data(as_text=True)


def subscriber(email: str, *, status: str = "confirmed", site_wide: bool = True, groups=(),
               language: str = "en", **wants: bool) -> UpdateSubscriber:  # fmt: skip
    row = UpdateSubscriber(
        email=email,
        token=f"tok-{email}".replace("@", "-"),
        status=status,
        site_wide=site_wide,
        language=language,
        confirmed_at=utcnow() if status == "confirmed" else None,
        **{f"wants_{k}": v for k, v in wants.items()},
    )
    row.groups = [UpdateSubscriberGroup(group_id=group.id) for group in groups]
    _db.session.add(row)
    _db.session.flush()
    return row


def mails(to: str) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.to_addr == to).order_by(OutboxMessage.id)
    return list(_db.session.scalars(stmt))


def editing_version(group, visibility="public"):
    document = factories.DocumentFactory(group=group, visibility=visibility)
    version = factories.VersionFactory(document=document, number=1, status="editing")
    factories.SectionFactory(version=version, number="1", heading="Scope", body="Text.")
    return version


def publish(version):
    chair = factories.MembershipFactory(group=version.document.group, role="chair").user
    now = utcnow()
    return publish_version(
        version, user=chair, changelog="First.", opens_at=now, closes_at=now + timedelta(days=9)
    )


def post_subscribe(client, email, **fields):
    data = {"email": email, "kinds": ALL_KINDS, "language": "en"} | fields
    return client.post("/updates/", data=data)


def test_double_opt_in_then_updates_arrive(client, db):
    group = factories.GroupFactory()
    response = post_subscribe(client, "Reader@Example.org", groups=[str(group.id)])
    assert response.status_code == 302 and response.location.endswith("/updates/sent")
    row = _db.session.scalars(select(UpdateSubscriber)).one()
    assert row.email == "reader@example.org" and row.status == "pending"
    assert row.group_ids == [group.id] and not row.site_wide
    [confirmation] = mails("reader@example.org")
    assert confirmation.list_unsubscribe == ""  # not an update: nothing to unsubscribe from
    link = re.search(r"http://localhost(/updates/confirm/\S+)", confirmation.body_text)
    assert link is not None
    # Unconfirmed: nothing is sent.
    publish(editing_version(group))
    assert len(mails("reader@example.org")) == 1
    # The link shows a button (link checkers that open it confirm nothing); the POST confirms.
    shown = client.get(link.group(1))
    assert shown.status_code == 200 and "Confirm my subscription" in page(shown)
    assert row.status == "pending"
    done = client.post(link.group(1))
    assert done.status_code == 302 and f"/updates/manage/{row.token}" in done.location
    assert row.status == "confirmed" and row.confirmed_at is not None
    publish(editing_version(group))
    [_, update] = mails("reader@example.org")
    assert "version 1 published" in update.subject
    assert f"/updates/unsubscribe/{row.token}" in update.body_text
    assert f"/updates/manage/{row.token}" in update.body_text


def test_confirmation_link_expires_and_cannot_be_forged(app, client, db):
    post_subscribe(client, "late@example.org", site_wide="y")
    row = _db.session.scalars(select(UpdateSubscriber)).one()
    token = updates.confirm_token(row)
    app.config["UPDATES_CONFIRM_HOURS"] = -1  # any age is too old
    try:
        expired = client.post(f"/updates/confirm/{token}")
    finally:
        app.config["UPDATES_CONFIRM_HOURS"] = 48
    assert expired.status_code == 404 and "expired" in page(expired)
    assert client.get(f"/updates/confirm/{token}x").status_code == 404
    assert row.status == "pending"


def test_the_form_does_not_reveal_whether_an_address_is_subscribed(client, db):
    group = factories.GroupFactory()
    known = subscriber("known@example.org", site_wide=False, groups=[group])
    new = post_subscribe(client, "new@example.org", site_wide="y")
    again = post_subscribe(client, "known@example.org", site_wide="y")
    assert (new.status_code, new.location) == (again.status_code, again.location)
    # The subscribed address gets its manage link; its choices are not changed by a stranger.
    [notice] = mails("known@example.org")
    assert f"/updates/manage/{known.token}" in notice.body_text
    assert not known.site_wide and known.group_ids == [group.id]
    # Asking again at once sends no second e-mail (the form cannot flood an inbox).
    post_subscribe(client, "known@example.org", site_wide="y")
    post_subscribe(client, "new@example.org", site_wide="y")
    assert len(mails("known@example.org")) == 1 and len(mails("new@example.org")) == 1


def test_refused_form_keeps_what_was_typed(client, db):
    response = client.post("/updates/", data={"email": "not-an-address", "kinds": ["events"]})
    body = page(response)
    assert response.status_code == 200 and "There is a problem" in body
    assert 'value="not-an-address"' in body
    assert "Choose the whole site or at least one working group." in body
    nothing = client.post("/updates/", data={"email": "a@example.org", "site_wide": "y"})
    assert "Choose at least one kind of update." in page(nothing)
    assert _db.session.scalar(select(func.count(UpdateSubscriber.id))) == 0


def test_home_and_group_pages_offer_the_subscription(client, db):
    group = factories.GroupFactory()
    home = page(client.get("/"))
    assert 'action="/updates/"' in home and 'name="site_wide"' in home
    group_page = page(client.get(f"/groups/{group.slug}/"))
    assert f'name="groups" value="{group.id}"' in group_page


def test_fan_out_reaches_exactly_the_followers(client, db):
    group, other = factories.GroupFactory(), factories.GroupFactory()
    site = subscriber("site@example.org")
    follower = subscriber("follower@example.org", site_wide=False, groups=[group])
    subscriber("other-group@example.org", site_wide=False, groups=[other])
    subscriber("no-versions@example.org", versions=False)
    subscriber("pending@example.org", status="pending")
    subscriber("gone@example.org", status="unsubscribed")
    german = subscriber("de@example.org", language="de")
    publish(editing_version(group))
    rows = list(_db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id.is_(None))))
    assert sorted(m.to_addr for m in rows) == sorted(
        ["site@example.org", "follower@example.org", "de@example.org"]
    )
    for message, who in ((mails(site.email)[0], site), (mails(follower.email)[0], follower)):
        assert message.list_unsubscribe.startswith(
            f"<http://localhost/updates/unsubscribe/{who.token}>, <mailto:"
        )
        assert who.token in message.body_text
        assert message.status == "pending" and message.created_at is not None
    assert mails(german.email)[0].list_unsubscribe.count(german.token) == 1
    # A members-only document is never announced.
    publish(editing_version(group, visibility="members"))
    assert len(mails(site.email)) == 1


def test_sent_update_carries_one_click_unsubscribe_headers(app, db):
    group = factories.GroupFactory()
    row = subscriber("headers@example.org")
    publish(editing_version(group))
    [message] = mails(row.email)
    email = _build(message)
    unsubscribe = f"<http://localhost/updates/unsubscribe/{row.token}>"
    assert email["List-Unsubscribe"].startswith(unsubscribe + ", <mailto:")
    assert "mailto:" in email["List-Unsubscribe"]
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = _build(OutboxMessage(id=1, to_addr="x@example.org", subject="s", body_text="b"))
    assert plain["List-Unsubscribe"] is None and plain["List-Unsubscribe-Post"] is None


def test_fan_out_query_count_does_not_grow_with_subscribers(db, count_queries):
    group = factories.GroupFactory()
    for n in range(3):
        subscriber(f"few{n}@example.org")
    few_version = editing_version(group)
    _db.session.flush()
    context = {"version": few_version, "document": few_version.document, "link": "x"}
    with count_queries() as few:
        updates.announce("versions", group.id, "Subject", "update_version", **context)
    for n in range(60):
        subscriber(f"many{n}@example.org", site_wide=n % 2 == 0, groups=[group])
    with count_queries() as many:
        written = updates.announce("versions", group.id, "Subject", "update_version", **context)
    assert written == 63
    assert many.count == few.count <= 4  # a count, then one INSERT ... SELECT per language


def test_one_click_unsubscribe_needs_no_session_and_no_csrf_token(app, csrf_app, db):
    row = subscriber("oneclick@example.org")
    queued = OutboxMessage(to_addr=row.email, subject="Queued update", body_text="x")
    _db.session.add(queued)
    _db.session.flush()
    fresh = app.test_client()  # no cookie, no session
    asked = fresh.get(f"/updates/unsubscribe/{row.token}")
    assert asked.status_code == 200 and "Unsubscribe" in page(asked)
    assert row.status == "confirmed"  # a GET changes nothing (mail scanners open links)
    done = fresh.post(f"/updates/unsubscribe/{row.token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in page(done)
    assert row.status == "unsubscribed" and row.unsubscribed_at is not None
    assert mails(row.email) == []  # what was still queued is dropped
    assert fresh.post("/updates/unsubscribe/no-such-token").status_code == 404
    # The exemption is narrow: the manage form still needs its token.
    assert (
        fresh.post(f"/updates/manage/{row.token}", data={"delete-submit": "y"}).status_code == 400
    )


def test_manage_changes_choices_and_delete_erases(client, db):
    group = factories.GroupFactory()
    row = subscriber("manage@example.org")
    shown = client.get(f"/updates/manage/{row.token}")
    assert shown.status_code == 200 and "manage@example.org" in page(shown)
    saved = client.post(
        f"/updates/manage/{row.token}",
        data={"choices-groups": [str(group.id)], "choices-kinds": ["events"],
              "choices-language": "de", "choices-submit": "y"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert not row.site_wide and row.group_ids == [group.id] and row.kinds == ["events"]
    assert row.language == "de"
    refused = client.post(
        f"/updates/manage/{row.token}",
        data={"choices-kinds": ["events"], "choices-language": "de", "choices-submit": "y"},
    )
    assert "Choose the whole site or at least one working group." in page(refused)
    deleted = client.post(f"/updates/manage/{row.token}", data={"delete-submit": "y"})
    assert deleted.status_code == 302
    assert _db.session.scalar(select(func.count(UpdateSubscriber.id))) == 0
    assert _db.session.scalar(select(func.count(UpdateSubscriberGroup.id))) == 0
    assert client.get(f"/updates/manage/{row.token}").status_code == 404


def test_export_and_erasure_include_the_subscription(client, db, login_as):
    import io
    import json
    import zipfile

    user = login_as("stakeholder")
    group = factories.GroupFactory()
    subscriber(user.email.upper(), site_wide=False, groups=[group]).email = user.email
    subscriber("someone-else@example.org")
    _db.session.flush()
    response = client.post("/me/account/export")
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    [mine] = json.loads(archive.read("update_subscriptions.json"))
    assert mine["email"] == user.email and "token" not in mine
    assert [r["group_id"] for r in json.loads(archive.read("update_subscription_groups.json"))] == [
        group.id
    ]
    response.close()
    g.pop("_login_user", None)
    from consult.core.userdata import erase

    erase(user)
    remaining = list(_db.session.scalars(select(UpdateSubscriber.email)))
    assert remaining == ["someone-else@example.org"]


def test_retention_purges_unconfirmed_and_long_unsubscribed(app, db):
    now = utcnow()
    old_pending = subscriber("old-pending@example.org", status="pending")
    old_pending.created_at = now - timedelta(days=8)
    subscriber("new-pending@example.org", status="pending")
    old_gone = subscriber(
        "old-gone@example.org", status="unsubscribed", groups=[factories.GroupFactory()]
    )
    old_gone.unsubscribed_at = now - timedelta(days=31)
    recent_gone = subscriber("recent-gone@example.org", status="unsubscribed")
    recent_gone.unsubscribed_at = now - timedelta(days=2)
    confirmed = subscriber("kept@example.org")
    confirmed.created_at = now - timedelta(days=400)
    _db.session.flush()
    done = {label: run() for label, run in steps(now) if "update subscriptions" in label}
    assert done == {
        "Unconfirmed update subscriptions": 1,
        "Unsubscribed update subscriptions": 1,
    }
    assert sorted(_db.session.scalars(select(UpdateSubscriber.email))) == [
        "kept@example.org", "new-pending@example.org", "recent-gone@example.org"
    ]  # fmt: skip


def test_consultation_opening_and_closing_are_announced_once(db):
    group = factories.GroupFactory()
    row = subscriber("windows@example.org", site_wide=False, groups=[group])
    now = utcnow()
    document = factories.DocumentFactory(group=group)
    factories.VersionFactory(document=document, opens_at=now - timedelta(hours=1),
                             closes_at=now + timedelta(days=5))  # fmt: skip
    factories.VersionFactory(document=document, opens_at=now - timedelta(days=20),
                             closes_at=now - timedelta(minutes=5))  # fmt: skip
    factories.VersionFactory(
        document=document, opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=10)
    )  # fmt: skip  too old
    hidden = factories.DocumentFactory(group=group, visibility="members")
    factories.VersionFactory(document=hidden, opens_at=now - timedelta(hours=1))
    assert announce_windows(now) == 2
    subjects = sorted(m.subject for m in mails(row.email))
    assert subjects[0].startswith("Consultation closed") and subjects[1].startswith(
        "Consultation open"
    )
    assert announce_windows(now) == 0  # an hourly job: each once


def test_events_announced_moved_and_cancelled(db):
    from consult.events import services as event_services

    group = factories.GroupFactory()
    row = subscriber("events@example.org", site_wide=False, groups=[group])
    subscriber("no-events@example.org", events=False)
    chair = factories.MembershipFactory(group=group, role="chair").user
    start = utcnow().replace(microsecond=0) + timedelta(days=4)
    fields = {
        "title": "Plenary", "kind": "plenary", "starts_at": start,
        "ends_at": start + timedelta(hours=2), "online_url": "https://meet.example/secret",
        "place": "", "access": "members", "capacity": None, "description": "",
    }  # fmt: skip
    event = event_services.create_event(group, chair, [], **fields)
    event_services.update_event(event, chair, [], **(fields | {"title": "Plenary (renamed)"}))
    later = fields | {
        "starts_at": start + timedelta(days=1),
        "ends_at": start + timedelta(days=1, hours=2),
    }
    event_services.update_event(event, chair, [], **later)
    event_services.cancel_event(event, chair, "Room unavailable")
    subjects = [m.subject for m in mails(row.email)]
    assert subjects == [
        "New event: Plenary", "New time: Plenary", "Cancelled: Plenary"
    ]  # fmt: skip
    assert all("meet.example/secret" not in m.body_text for m in mails(row.email))
    assert mails("no-events@example.org") == []


@pytest.fixture
def limited_client(app, db):
    from consult import create_app
    from consult.extensions import limiter

    limited = create_app(
        "testing", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", WTF_CSRF_ENABLED=False
    )
    limiter.reset()
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False
        with limited.app_context():
            _db.engine.dispose()


def test_subscription_form_is_rate_limited(limited_client):
    codes = [
        post_subscribe(limited_client, f"r{n}@example.org", site_wide="y").status_code
        for n in range(6)
    ]
    assert codes == [302] * 5 + [429]


def test_pages_and_updates_speak_the_subscribers_language(client, db):
    assert "Neuigkeiten per E-Mail" in page(client.get("/updates/?lang=de"))
    g.pop("_flask_babel", None)  # requests share the test's app context and its locale cache
    assert "Nouvelles par e-mail" in page(client.get("/updates/?lang=fr"))
    g.pop("_flask_babel", None)
    group = factories.GroupFactory()
    subscriber("leser@example.org", language="de")
    subscriber("lecteur@example.org", language="fr")
    publish(editing_version(group))
    [german] = mails("leser@example.org")
    [french] = mails("lecteur@example.org")
    assert "Fassung 1 veröffentlicht" in german.subject and "abbestellen" in german.body_text
    assert "version 1 publiée" in french.subject and "désabonner" in french.body_text
