"""Demo drafts: three documents imported, edited and published through the real services."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from consult.core import audit
from consult.core.models import AuditEvent
from consult.core.timefmt import wall_clock
from consult.db import utcnow
from consult.drafts import demo_text, demo_translations, services
from consult.drafts.models import Document, Section, Version
from consult.extensions import db

logger = logging.getLogger(__name__)

DOCUMENTS = [
    (
        "transparency-copyright",
        "transparency",
        "Transparency",
        "The transparency chapter of the General-Purpose AI Code of Practice: model "
        "documentation, information for downstream providers and the public summary of "
        "training content.",
    ),
    (
        "transparency-copyright",
        "copyright",
        "Copyright",
        "The copyright chapter: a copyright policy, lawful crawling, respect for reservations "
        "of rights (opt-outs), safeguards against infringing output and complaints.",
    ),
    (
        "risk-assessment",
        "safety-security",
        "Safety and security",
        "The safety and security chapter for models with systemic risk: framework, risk "
        "identification and analysis, mitigations and serious incident reporting.",
    ),
]


def _backdate(version: Version, **values: datetime) -> None:
    """Place a version in the past of the demo's timeline.

    A Core UPDATE on purpose: the ORM guard rightly refuses to rewrite a published version,
    and this is not an edit but the demo pretending the consultation happened weeks ago.
    """
    db.session.execute(update(Version).where(Version.id == version.id).values(**values))
    if "published_at" in values:
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.object_type == "versions", AuditEvent.object_id == version.id)
            .values(at=values["published_at"])
        )
    if "opens_at" in values or "closes_at" in values:
        # The window history must tell the same story as the page: the publication event
        # records the (backdated) window the version was published with.
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.object_type == "versions",
                AuditEvent.object_id == version.id,
                AuditEvent.action == "version.publish",
            )
        ):
            after = dict((event.data or {}).get("after") or {})
            for name in ("opens_at", "closes_at"):
                if name in values:
                    after[name] = values[name].isoformat()
            event.data = {**(event.data or {}), "after": after}
    db.session.expire(version)


def _extend_in_the_past(
    version: Version, chair: Any, *, on: datetime, closes_at: datetime, reason: str
) -> None:
    """A window extension made while the (backdated) consultation ran, recorded as the
    service records one (the "version.window" event the version page tells), at its date.
    The e-mails it sent then are not queued again today."""
    db.session.expire(version)
    before = {
        "opens_at": version.opens_at.isoformat() if version.opens_at else None,
        "closes_at": version.closes_at.isoformat() if version.closes_at else None,
    }
    after = {**before, "closes_at": closes_at.isoformat()}
    event = audit.record(chair, "version.window", version, reason, before=before, after=after)
    event.data = {**event.data, "reason": reason}
    event.at = on
    db.session.execute(update(Version).where(Version.id == version.id).values(closes_at=closes_at))
    db.session.expire(version)


def _by_key(version: Version) -> dict[str, Section]:
    return {s.provision.key: s for s in services.sections_of(version)}


def _save(section: Section, user: Any, heading: str, body: str, number: str) -> None:
    services.update_section(
        section,
        expected_lock_version=section.lock_version,
        heading=heading,
        body=body,
        number=number,
        user=user,
    )


def _transparency_v2(document: Document, chair: Any, vice_chair: Any) -> Version:
    """Version 2: edits, a measure folded into another (removed), a move with renumbering,
    and a new measure, made the way a chair would in the editor."""
    version = services.start_version(document, user=chair)
    sections = _by_key(version)
    for key, (heading, body) in demo_text.TRANSPARENCY_V2_EDITS.items():
        section = sections[key]
        _save(
            section,
            vice_chair if key.startswith("c2") else chair,
            heading or section.heading,
            body if body is not None else section.body,
            section.number,
        )
    services.remove_section(sections["c2-m5"], user=chair)
    moved = sections["c1-m4"]
    services.move_section(moved, parent=sections["c3"], after=sections["c3-m3"], user=chair)
    _save(moved, chair, moved.heading, moved.body, "3.4")
    number, heading, body = demo_text.TRANSPARENCY_V2_ADDED
    services.add_section(
        version,
        parent=sections["c3"],
        after=moved,
        kind="measure",
        number=number,
        heading=heading,
        body=body,
        user=chair,
    )
    return version


def load(context: dict[str, Any]) -> None:
    staff = context["staff"]
    groups = context["groups"]
    now = utcnow()
    texts = {
        "transparency": demo_text.TRANSPARENCY_V1,
        "copyright": demo_text.COPYRIGHT_V1,
        "safety-security": demo_text.SAFETY_V1,
    }
    documents: dict[str, Document] = {}
    versions: dict[str, list[Version]] = {}
    for group_slug, slug, title, summary in DOCUMENTS:
        chair = staff[f"chair-{group_slug}"]
        document = services.create_document(
            groups[group_slug],
            slug=slug,
            title=title,
            summary=summary,
            visibility="public",
            user=chair,
        )
        documents[slug] = document
        versions[slug] = [services.import_markdown(document, texts[slug], user=chair)]

    # transparency v1: consulted on from 10 to 6 weeks ago.
    chair = staff["chair-transparency-copyright"]
    vice_chair = staff.get("vice-chair-transparency-copyright", chair)
    v1 = versions["transparency"][0]
    services.publish_version(
        v1,
        user=chair,
        changelog="First draft, prepared by the chairs from the kick-off plenary.",
        opens_at=None,
        closes_at=now + timedelta(days=1),
    )
    _backdate(
        v1,
        published_at=wall_clock(-72, 9),
        opens_at=wall_clock(-71, 9),
        closes_at=wall_clock(-41, 17),
        created_at=wall_clock(-80, 14),
    )
    v2 = _transparency_v2(documents["transparency"], chair, vice_chair)
    services.publish_version(
        v2,
        user=chair,
        changelog=demo_text.TRANSPARENCY_V2_CHANGELOG,
        opens_at=wall_clock(-2, 9),
        closes_at=wall_clock(28, 17),
    )
    _backdate(v2, published_at=wall_clock(-2, 9), created_at=wall_clock(-35, 14))
    demo_translations.load(v2, chair)  # German and French, for readers who choose them
    versions["transparency"].append(v2)

    # Copyright, and safety and security: consulted on from about 14 to 10 weeks ago, their
    # consultations closed, so they can be adopted (the adoption demo adopts them).
    for slug, group_slug, closed in (
        ("copyright", "transparency-copyright", 77),
        ("safety-security", "risk-assessment", 65),
    ):
        version = versions[slug][0]
        services.publish_version(
            version,
            user=staff[f"chair-{group_slug}"],
            changelog="First draft.",
            opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(days=21),
        )
        _backdate(
            version,
            published_at=wall_clock(-100, 9),
            opens_at=wall_clock(-99, 9),
            closes_at=wall_clock(-closed, 17),
            created_at=wall_clock(-105, 14),
        )
    # A window changed in the open: while it ran, the copyright chapter's consultation was
    # extended by a week, with its reason on the version page and in the e-mails to the group.
    copyright_v1 = versions["copyright"][0]
    _extend_in_the_past(
        copyright_v1,
        staff["chair-transparency-copyright"],
        on=wall_clock(-80, 11),
        closes_at=wall_clock(-70, 17),
        reason="Rightsholders' associations asked for a week more to consult their members.",
    )
    db.session.flush()
    context["documents"] = documents
    context["versions"] = versions
    logger.info("drafts demo: %d documents", len(documents))
