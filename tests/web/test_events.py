"""Events: scheduling, registration and waiting list, online link, calendars, reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from icalendar import Calendar
from sqlalchemy import select

from consult.core.models import OutboxMessage
from consult.db import utcnow
from consult.events import services
from consult.events.models import Event, Registration
from consult.extensions import db as _db
from tests import factories

LINK = "https://meet.example.eu/secret-room"


def page(response) -> str:
    return response.get_data(as_text=True)


def make_event(group, **fields) -> Event:
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    values = {
        "title": "Working-group meeting",
        "kind": "meeting",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "online_url": LINK,
        "access": "members",
        "capacity": None,
    } | fields
    chair = factories.MembershipFactory(group=group, role="chair").user
    return services.create_event(group, chair, [("Opening", None)], **values)


def member(group, role="member"):
    return factories.MembershipFactory(group=group, role=role).user


def mails_to(user) -> list[str]:
    stmt = select(OutboxMessage.subject).where(OutboxMessage.to_addr == user.email)
    return list(_db.session.scalars(stmt))


@pytest.fixture
def group(db):
    return factories.GroupFactory()


# Who sees the online link, per role and registration status.
@pytest.mark.parametrize(
    ("role", "register", "sees"),
    [
        ("visitor", False, False),
        ("stakeholder", False, False),
        ("member", False, False),
        ("member", True, True),
        ("observer", True, True),
        ("moderator", False, False),
        ("vice_chair", False, True),
        ("chair", False, True),
        ("other_chair", False, False),
        ("admin", False, True),
    ],
)
def test_online_link_only_for_registered_participants(
    client, login_as, group, role, register, sees
):
    event = make_event(group)
    user = login_as(role, group)
    if register:
        services.register(event, user)
    body = page(client.get(f"/events/{event.id}"))
    assert (LINK in body) is sees
    assert ("shown to registered participants" in body) is not sees
    ics = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data)
    location = str(ics.walk("VEVENT")[0].get("location", ""))
    assert (LINK in location) is sees


@pytest.mark.parametrize(
    ("access", "role", "allowed"),
    [
        ("members", "stakeholder", False),
        ("members", "observer", True),
        ("members", "member", True),
        ("verified", "stakeholder", True),
        ("verified", "unverified", False),
        ("invitation", "member", False),
        ("invitation", "chair", True),
    ],
)
def test_who_may_register(client, login_as, group, access, role, allowed):
    event = make_event(group, access=access)
    user = login_as(role, group)
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 302
    registration = services.registration_of(event, user)
    assert (registration is not None and registration.status == "registered") is allowed


def test_visitor_is_sent_to_sign_in(client, group):
    event = make_event(group, access="verified")
    response = client.post(f"/events/{event.id}/register")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_invited_person_may_register(client, login_as, group):
    event = make_event(group, access="invitation")
    login_as("chair", group)
    guest = factories.UserFactory()
    # An unknown address is refused beside the box, as typed, and nobody is invited.
    response = client.post(f"/events/{event.id}/invite", data={"email": "typo@exmaple.org"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="typo@exmaple.org"' in html and "Nobody has an account" in html
    assert client.post(f"/events/{event.id}/invite", data={"email": guest.email}).status_code == 302
    assert services.registration_of(event, guest).status == "invited"
    assert "Invitation: Working-group meeting" in mails_to(guest)
    services.register(event, guest)
    assert services.registration_of(event, guest).status == "registered"


def test_waiting_list_moves_up_on_cancellation(client, login_as, group):
    event = make_event(group, capacity=2)
    first, second, third, fourth = (member(group) for _ in range(4))
    for user in (first, second, third, fourth):
        services.register(event, user)
    statuses = [services.registration_of(event, u).status for u in (first, second, third, fourth)]
    assert statuses == ["registered", "registered", "waiting", "waiting"]
    _db.session.flush()
    client_user = login_as("visitor")
    assert client_user is None
    # The first registered person withdraws through the page: the first waiting moves up.
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = first.get_id()
    assert client.post(f"/events/{event.id}/withdraw").status_code == 302
    assert services.registration_of(event, first).status == "cancelled"
    assert services.registration_of(event, third).status == "registered"
    assert services.registration_of(event, fourth).status == "waiting"
    assert "You have a place: Working-group meeting" in mails_to(third)
    assert mails_to(fourth) == []


def test_waiting_person_does_not_see_link(client, login_as, group):
    event = make_event(group, capacity=1)
    services.register(event, member(group))
    user = login_as("member", group)
    client.post(f"/events/{event.id}/register")
    assert services.registration_of(event, user).status == "waiting"
    body = page(client.get(f"/events/{event.id}"))
    assert "waiting list" in body and LINK not in body


def test_chair_schedules_event_shown_on_group_and_home_pages(client, login_as, group):
    document = factories.DocumentFactory(group=group)
    version = factories.VersionFactory(document=document, status="editing")
    section = factories.SectionFactory(version=version, number="2.1")
    version.status = "published"
    _db.session.flush()
    login_as("chair", group)
    data = {
        "title": "Plenary on the draft",
        "kind": "plenary",
        "starts_at": "2030-03-03T10:00",
        "ends_at": "2030-03-03T12:00",
        "access": "verified",
        "capacity": "50",
        "online_url": LINK,
        "version_id": str(version.id),
        "agenda": "Opening\nTransparency | 2.1",
    }
    response = client.post(f"/events/groups/{group.slug}/new", data=data)
    assert response.status_code == 302, page(response)
    event = _db.session.scalars(select(Event).where(Event.title == "Plenary on the draft")).one()
    assert event.starts_at.hour == 9  # 10:00 in Brussels (CET) is 09:00 UTC
    assert [item.section_id for item in event.agenda] == [None, section.id]
    body = page(client.get(f"/events/{event.id}"))
    assert "3 March 2030, 10:00 CET (Europe/Brussels)" in body
    assert section.provision.key in body
    assert "Plenary on the draft" in page(client.get(f"/groups/{group.slug}/"))
    assert "Plenary on the draft" in page(client.get("/"))


def test_bad_event_input_gets_messages(client, login_as, group):
    login_as("chair", group)
    data = {
        "title": "x" * 201,
        "kind": "party",
        "starts_at": "tomorrow",
        "ends_at": "2030-03-03T12:00",
        "access": "verified",
        "capacity": "-3",
        "online_url": "javascript:alert(1)",
        "version_id": "0",
    }
    response = client.post(f"/events/groups/{group.slug}/new", data=data)
    assert response.status_code == 200
    body = page(response)
    assert "Not a valid datetime value" in body and "Enter a full web address" in body
    data |= {"title": "Ok", "kind": "plenary", "starts_at": "2030-03-03T13:00", "capacity": ""}
    data |= {"online_url": "", "agenda": "Item | 9.9"}
    body = page(client.post(f"/events/groups/{group.slug}/new", data=data))
    assert "The event must end after it starts." in body or "Choose the version" in body
    assert _db.session.scalars(select(Event)).first() is None


@pytest.mark.parametrize("role", ["visitor", "stakeholder", "member", "moderator", "other_chair"])
def test_only_chairs_manage_events(client, login_as, group, role):
    event = make_event(group)
    login_as(role, group)
    for url in (
        f"/events/groups/{group.slug}/new",
        f"/events/{event.id}/edit",
        f"/events/{event.id}/cancel",
        f"/events/{event.id}/outcome",
    ):
        assert client.get(url).status_code in (302, 403)
    assert client.post(f"/events/{event.id}/cancel", data={"reason": "x"}).status_code in (302, 403)
    assert not event.is_cancelled


def test_new_time_and_cancellation_update_calendars_and_mail(client, login_as, group):
    event = make_event(group)
    participant = member(group)
    services.register(event, participant)
    login_as("vice_chair", group)
    first = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")[0]
    data = {
        "title": event.title,
        "kind": "meeting",
        "starts_at": "2030-05-05T15:00",
        "ends_at": "2030-05-05T16:00",
        "access": "members",
        "online_url": LINK,
        "version_id": "0",
        "agenda": "Opening",
    }
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    moved = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")[0]
    assert str(moved["uid"]) == str(first["uid"])
    assert int(moved["sequence"]) == int(first["sequence"]) + 1
    assert "New time: Working-group meeting" in mails_to(participant)
    client.post(f"/events/{event.id}/cancel", data={"reason": "The chairs are ill."})
    gone = Calendar.from_ical(client.get(f"/events/{event.id}.ics").data).walk("VEVENT")[0]
    assert (
        str(gone["status"]) == "CANCELLED" and int(gone["sequence"]) == int(moved["sequence"]) + 1
    )
    assert "Cancelled: Working-group meeting" in mails_to(participant)
    assert client.get(f"/events/{event.id}").status_code == 200  # the page stays


def test_group_and_personal_feeds(client, login_as, group):
    event = make_event(group)
    other = make_event(factories.GroupFactory(), title="Elsewhere")
    feed = Calendar.from_ical(client.get(f"/events/groups/{group.slug}.ics").data)
    assert [str(e["summary"]) for e in feed.walk("VEVENT")] == [
        "Working-group meeting (Working-group meeting)"
    ]
    user = login_as("member", group)
    services.register(event, user)
    body = page(client.get("/events/my"))
    token = services.calendar_token(user).token
    assert token in body
    login_as("visitor")  # calendar clients cannot sign in: the token is the key
    mine = Calendar.from_ical(client.get(f"/events/my/{token}.ics").data)
    entries = mine.walk("VEVENT")
    assert [str(e["summary"]).split(" (")[0] for e in entries] == ["Working-group meeting"]
    assert LINK in str(entries[0]["location"]) and other.title not in str(mine.to_ical())
    assert client.get("/events/my/not-a-token.ics").status_code == 404


def test_reminders_are_sent_once(app, group):
    event = make_event(group)
    participant = member(group)
    services.register(event, participant)
    event.starts_at = utcnow() + timedelta(hours=20)
    event.ends_at = event.starts_at + timedelta(hours=1)
    _db.session.flush()
    runner = app.test_cli_runner()
    assert (
        "queued 1 event reminder(s)"
        in runner.invoke(args=["consult", "send-event-reminders"]).output
    )
    assert (
        "queued 0 event reminder(s)"
        in runner.invoke(args=["consult", "send-event-reminders"]).output
    )
    assert mails_to(participant).count("Tomorrow: Working-group meeting") == 1


def test_attendance_counted_per_category(client, login_as, group):
    event = make_event(group)
    people = [member(group) for _ in range(3)]
    for user in people:
        services.register(event, user)
    event.starts_at = utcnow() - timedelta(hours=3)
    event.ends_at = utcnow() - timedelta(hours=1)
    login_as("chair", group)
    data = {
        "minutes": "## Decisions\n\n<script>x</script>Agreed.",
        "recording_url": "https://v.example.eu/r",
        "slides_url": "https://f.example.eu/s.pdf",
        "attended": [str(people[0].id), str(people[1].id)],
    }
    assert client.post(f"/events/{event.id}/outcome", data=data).status_code == 302
    assert sum(r.attended for r in _db.session.scalars(select(Registration))) == 2
    body = page(client.get(f"/events/{event.id}"))
    assert "Attendance by category" in body and "<script>x" not in body
    assert "Watch the recording" in body and "Download the slides" in body


# Found in the browser on the demo: a past event still offered "Sign in to register" or a
# Register button.
@pytest.mark.parametrize("role", ["visitor", "stakeholder", "member", "chair", "admin"])
def test_past_event_says_it_took_place_and_offers_no_registration(client, login_as, group, role):
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    event = make_event(
        group, access="verified", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    login_as(role, group)
    body = page(client.get(f"/events/{event.id}"))
    assert 'id="registration-closed"' in body and "Registration is closed." in body
    assert "Sign in to register" not in body
    assert f'action="/events/{event.id}/register"' not in body
    assert "Join the waiting list" not in body


def test_registering_for_a_past_event_is_refused_with_a_message(client, login_as, group):
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    event = make_event(
        group, access="verified", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    user = login_as("stakeholder")
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    assert "This event has taken place; registration is closed." in page(response)
    assert services.registration_of(event, user) is None


def test_full_event_offers_the_waiting_list_and_tells_the_position(client, login_as, group):
    event = make_event(group, capacity=1)
    services.register(event, member(group))
    services.register(event, member(group))  # first on the waiting list
    user = login_as("member", group)
    body = page(client.get(f"/events/{event.id}"))
    assert "Join the waiting list" in body and "The event is full." in body
    assert (
        '<button type="submit" class="govuk-button" data-module="govuk-button">Register' not in body
    )
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    body = page(response)
    assert services.registration_of(event, user).status == "waiting"
    assert "you are number 2 on the waiting list" in body
    assert "You are number 2 on the waiting list." in body
    # With room, the button says Register.
    other = make_event(group, capacity=5, title="Roomy")
    body = page(client.get(f"/events/{other.id}"))
    assert "Join the waiting list" not in body and 'value="Register"' in body
