"""Demo events: a past plenary with its outcome and answered questions, and an upcoming meeting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.attachments.samples import make_pdf
from consult.attachments.storage import PRESENTATION_TYPES, stage_bytes
from consult.core.timefmt import wall_clock as brussels
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


SLIDES = [
    ["Kick-off plenary", "Working group on transparency and copyright", "The process"],
    ["Timeline", "First draft: published for consultation", "Second draft: after the comments"],
    ["The transparency chapter", "Model documentation form", "Summary of training content"],
]


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

    start = brussels(-20, 10)
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
        ends_at=brussels(-20, 13),
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
    slides = stage_bytes(make_pdf(SLIDES), "Kick-off plenary slides.pdf", PRESENTATION_TYPES)
    services.record_outcome(
        plenary,
        chair,
        files=[slides],
        minutes=MINUTES,
        recording_url="https://video.example.eu/recordings/kick-off-plenary",
        slides_url="",
    )
    services.record_attendance(plenary, chair, {u.id for u in members[:6]})

    start = brussels(6, 10)
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
        ends_at=brussels(6, 12, 30),
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
    start = brussels(12, 14)
    webinar = services.create_event(
        group,
        chair,
        [("The draft in ten minutes", None), ("Your questions", None)],
        title="Webinar: the transparency chapter explained",
        kind="webinar",
        starts_at=start,
        ends_at=brussels(12, 15, 30),
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
