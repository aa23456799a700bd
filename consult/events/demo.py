"""Demo events: a past plenary with its outcome and answered questions, and an upcoming meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from consult.db import utcnow
from consult.drafts.models import Section
from consult.events import services
from consult.extensions import db
from consult.groups import update_demo
from consult.groups.models import Membership

MINUTES = """The chair opened the kick-off plenary and presented the timeline of the drafting
process.

## Decisions
- The first draft of the transparency chapter is published for consultation.
- Written questions received before the plenary are answered below.

## Next steps
The working group meets again to go through the comments on the first draft.
"""


def _members(group: Any, roles: tuple[str, ...] = ("member", "observer")) -> list[Any]:
    stmt = (
        select(Membership)
        .where(Membership.group_id == group.id, Membership.status == "approved")
        .where(Membership.role.in_(roles))
        .order_by(Membership.id)
    )
    return [m.user for m in db.session.scalars(stmt)]


def load(context: dict[str, Any]) -> None:
    group = context["groups"]["transparency-copyright"]
    chair = context["staff"]["chair-transparency-copyright"]
    version = context["versions"]["transparency"][0]
    sections = list(
        db.session.scalars(
            select(Section)
            .where(Section.version_id == version.id, Section.number != "")
            .order_by(Section.position)
            .limit(2)
        )
    )
    members = _members(group)
    now = utcnow().replace(minute=0, second=0, microsecond=0)

    start = now - timedelta(days=20)
    plenary = services.create_event(
        group,
        chair,
        [
            ("Opening and timeline", None),
            ("The transparency chapter", sections[0].id if sections else None),
            ("Questions to the chairs", None),
        ],
        title="Kick-off plenary",
        kind="plenary",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        description="The first plenary of the working group: the process, the timeline "
        "and the first draft.",
        online_url="https://meet.example.eu/plenary-kick-off",
        place="Brussels, Berlaymont, room S3",
        access="verified",
        capacity=None,
    )
    for user in members[:8]:
        services.register(plenary, user)
    first = services.ask_question(
        plenary, members[0], "Will the model documentation form be published as a template?", None
    )
    second = services.ask_question(
        plenary, members[1], "How are small and medium enterprises consulted separately?", None
    )
    dup = services.ask_question(
        plenary, members[2], "Will there be a template for the documentation form?", None
    )
    for user in members[3:7]:
        services.support_question(first, user)
    services.support_question(second, members[4])
    services.support_question(dup, members[5])
    services.merge_question(dup, first, chair)
    services.answer_question(
        first, chair, "Yes: a fillable template is annexed to the next draft.", False
    )
    services.answer_question(second, chair, "", True)
    services.record_outcome(
        plenary,
        chair,
        minutes=MINUTES,
        recording_url="https://video.example.eu/recordings/kick-off-plenary",
        slides_url="https://files.example.eu/slides/kick-off-plenary.pdf",
    )
    services.record_attendance(plenary, chair, {u.id for u in members[:6]})

    start = now + timedelta(days=6, hours=2)
    meeting = services.create_event(
        group,
        chair,
        [
            ("Comments received on the first draft", None),
            ("Copyright policy", sections[-1].id if sections else None),
        ],
        title="Working-group meeting on the first draft",
        kind="meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        description="Members go through the comments received on the first draft.",
        online_url="https://meet.example.eu/transparency-wg-2",
        access="members",
        capacity=4,
    )
    for user in members[:6]:  # four places: two people end up on the waiting list
        services.register(meeting, user)
    asked = services.ask_question(
        meeting,
        members[1],
        "Can the summary of training content be published in stages?",
        meeting.agenda[-1].id,
    )
    services.ask_question(
        meeting,
        members[2],
        "Will the comments from the consultation be answered before the meeting?",
        None,
    )
    services.support_question(asked, members[0])
    services.support_question(asked, members[3])
    start = now + timedelta(days=12, hours=4)
    webinar = services.create_event(
        group,
        chair,
        [("The draft in ten minutes", None), ("Your questions", None)],
        title="Webinar: the transparency chapter explained",
        kind="webinar",
        starts_at=start,
        ends_at=start + timedelta(hours=1, minutes=30),
        description="Open to every verified stakeholder. Send your questions in advance.",
        online_url="https://meet.example.eu/webinar-transparency",
        access="verified",
        capacity=500,
    )
    services.register(webinar, members[6])
    services.ask_question(webinar, members[6], "How will downstream providers be informed?", None)
    db.session.flush()
    context["events"] = {"plenary": plenary, "meeting": meeting, "webinar": webinar}
    update_demo.load(context)
