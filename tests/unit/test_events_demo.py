"""Events demo: a past plenary with its outcome and answers, an upcoming meeting with a queue."""

from __future__ import annotations

from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from consult.attachments.storage import blob_path
from consult.db import utcnow
from consult.events import demo, queries, services
from consult.extensions import db as _db
from tests import factories


def _loaded() -> tuple[dict, Any]:
    """The events demo loaded into a group with a chair, eight members and a version."""
    group = factories.GroupFactory(slug="transparency-copyright")
    chair = factories.MembershipFactory(group=group, role="chair").user
    for _ in range(8):
        factories.MembershipFactory(group=group, role="member")
    version = factories.VersionFactory(document=factories.DocumentFactory(group=group))
    context = {
        "groups": {"transparency-copyright": group},
        "staff": {"chair-transparency-copyright": chair},
        "versions": {"transparency": [version]},
    }
    demo.load(context)
    return context, group


def test_demo_events(db):
    context, group = _loaded()
    _db.session.flush()
    plenary, meeting = context["events"]["plenary"], context["events"]["meeting"]
    assert plenary.is_past() and plenary.minutes and plenary.recording_url
    # The slides are an uploaded PDF (generated at demo time), not a link.
    (slides,) = services.files_of(plenary)
    assert (slides.file_type, slides.filename) == ("pdf", "Kick-off plenary slides.pdf")
    assert blob_path(slides.blob.sha256).read_bytes().startswith(b"%PDF-")
    assert "Timeline" in slides.blob.text
    answered = [q for q in queries.questions(plenary) if q.status in ("answered", "in_meeting")]
    assert len(answered) == 2
    assert any(q.status == "merged" for q in queries.questions(plenary))
    assert sum(n for _, n in queries.registrations_by_category(plenary, attended=True)) == 6
    assert meeting.starts_at > utcnow()
    assert queries.counts(meeting) == {"registered": 4, "waiting": 2}
    assert all(q.status == "open" for q in queries.questions(meeting))
    assert len(services.participants(meeting, waiting=True)) == 6
    assert queries.upcoming(group) == [meeting, context["events"]["webinar"]]


def test_demo_events_run_at_office_hours_in_brussels(db):
    """Whenever the demo is loaded, meetings run at realistic Brussels hours (they ran at
    01:00-03:00 when times were computed from "now")."""
    context, _group = _loaded()
    brussels = ZoneInfo("Europe/Brussels")
    hours = {
        name: (
            event.starts_at.astimezone(brussels).time(),
            event.ends_at.astimezone(brussels).time(),
        )
        for name, event in context["events"].items()
    }
    assert hours == {
        "plenary": (time(10), time(13)),
        "meeting": (time(10), time(12, 30)),
        "webinar": (time(14), time(15, 30)),
    }
    today = utcnow().astimezone(brussels).date()
    meeting = context["events"]["meeting"].starts_at.astimezone(brussels).date()
    assert (meeting - today).days == 6


def test_demo_has_confirmed_subscribers_and_one_pending(db):
    from sqlalchemy import select

    from consult.groups import update_demo
    from consult.groups.update_models import UpdateSubscriber

    group = factories.GroupFactory(slug="transparency-copyright")
    update_demo.load({"groups": {"transparency-copyright": group}})
    statuses = sorted(_db.session.scalars(select(UpdateSubscriber.status)))
    assert statuses == ["confirmed", "confirmed", "confirmed", "pending"]
    languages = set(_db.session.scalars(select(UpdateSubscriber.language)))
    assert languages == {"en", "de", "fr"}
