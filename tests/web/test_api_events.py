"""Meetings in the API: what the event page shows anybody, and no more."""

from __future__ import annotations

from typing import Any

from consult.events import services
from tests import factories
from tests.web.test_api import API, _get, _token
from tests.web.test_events_files import _event, _with_file


def test_events_list_and_page_publish_what_the_page_shows(client: Any, db: Any) -> None:
    group = factories.GroupFactory(slug="wg")
    event, chair = _event(group, online_url="https://meet.example/secret-room")
    version = factories.VersionFactory(
        document=factories.DocumentFactory(group=group), status="editing"
    )
    section = factories.SectionFactory(version=version, number="2.1")
    version.status = "published"
    services.update_event(
        event, chair, [("Opening", None), ("Crawling", section.id)],
        **{name: getattr(event, name) for name in ("title", "kind", "starts_at", "ends_at",
           "description", "online_url", "place", "access", "capacity")},
    )  # fmt: skip
    academic = factories.UserFactory(
        organisation=factories.OrganisationFactory(category=factories.category("academia"))
    )
    services.register(event, academic)
    services.record_attendance(event, chair, {academic.id})
    asked = services.ask_question(event, academic, "Will the template be machine-readable?", None)
    hidden = services.ask_question(event, academic, "Spam spam spam", None)
    hidden.hidden_reason = "Advertising"
    _with_file(event, chair)
    services.record_outcome(
        event, chair, minutes="## Decisions\nThe draft goes out.", recording_url="https://v.example/1",
        slides_url="", files=[],
    )  # fmt: skip
    db.session.commit()

    listing = _get(client, f"{API}/events").get_json()
    assert [item["id"] for item in listing["items"]] == [event.id]
    assert listing["items"][0]["group"]["slug"] == "wg"
    assert listing["items"][0]["ics_url"].endswith(f"/events/{event.id}.ics")

    response = _get(client, f"{API}/events/{event.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["registered"] == 1
    assert body["registered_by_category"] == [{"category": "academia", "count": 1}]
    assert body["attended_by_category"] == [{"category": "academia", "count": 1}]
    assert body["minutes"].startswith("## Decisions")
    assert [(a["title"], a["provision_key"], a["provision_number"]) for a in body["agenda"]] == [
        ("Opening", None, None),
        ("Crawling", section.provision.key, "2.1"),
    ]
    assert [f["filename"] for f in body["files"]] == ["slides.pdf"]
    assert [q["id"] for q in body["questions"]] == [asked.id]  # the hidden one left out
    assert body["questions"][0]["category"] == "academia"
    text = response.get_data(as_text=True)
    # Not published: the online link, who registered or asked.
    assert "secret-room" not in text
    assert academic.display_name not in text and academic.email not in text


def test_files_of_a_members_only_meeting_reach_its_members_only(client: Any, db: Any) -> None:
    group = factories.GroupFactory()
    event, chair = _event(group, access="members")
    _with_file(event, chair)
    member = factories.MembershipFactory(group=group, role="member").user
    outsider = factories.UserFactory()
    db.session.commit()
    url = f"{API}/events/{event.id}"
    assert _get(client, url).get_json()["files"] == []
    assert _get(client, url, _token(outsider)).get_json()["files"] == []
    files = _get(client, url, _token(member)).get_json()["files"]
    assert [f["filename"] for f in files] == ["slides.pdf"]


def test_an_unknown_event_is_a_json_404(client: Any, db: Any) -> None:
    for path in (f"{API}/events/999999", f"{API}/events/99999999999999"):
        response = _get(client, path)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_events_are_paginated_with_a_cursor(client: Any, db: Any) -> None:
    group = factories.GroupFactory()
    made = [_event(group)[0].id for _ in range(3)]
    db.session.commit()
    seen, url = [], f"{API}/events?limit=2"
    while url:
        page = _get(client, url).get_json()
        seen += [item["id"] for item in page["items"]]
        url = page["next_url"]
    assert seen == made
