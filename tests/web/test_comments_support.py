"""Builders shared by the comments tests (published text is frozen, so sections come first)."""

from __future__ import annotations

from typing import Any

from consult.drafts.models import Section
from consult.extensions import db
from tests.factories import CommentFactory, SectionFactory, VersionFactory

BODY = (
    "Signatories shall draw up and keep up to date the technical documentation of the model.\n\n"
    "1. The documentation shall describe the training process.\n"
    "2. It shall be made available to the AI Office upon request."
)


def published_sections(count: int = 1, **version_fields: Any) -> list[Section]:
    """`count` sections in a version that is published afterwards (window open by default)."""
    status = version_fields.pop("status", "published")
    version = VersionFactory(status="editing", **version_fields)
    sections = [
        SectionFactory(version=version, body=BODY, heading=f"Measure heading {index}")
        for index in range(count)
    ]
    version.status = status
    db.session.flush()
    return sections


def published_section(**version_fields: Any) -> Section:
    return published_sections(1, **version_fields)[0]


def next_version_section(section: Section, **fields: Any) -> Section:
    """The same provision in a newly published next version (the old one superseded)."""
    old = section.version
    new = VersionFactory(document=old.document, number=old.number + 1, status="editing")
    fields.setdefault("body", section.body)
    fields.setdefault("heading", section.heading)
    # Not the factory: the provision and its URL key exist already.
    copy = Section(
        version_id=new.id,
        provision_id=section.provision_id,
        position=0,
        kind=section.kind,
        number=fields.pop("number", section.number),
        **fields,
    )
    db.session.add(copy)
    db.session.flush()
    new.status = "published"
    old.status = "superseded"
    db.session.flush()
    return copy


def comment_on(section: Section, **fields: Any):
    return CommentFactory(section=section, **fields)


def url_of(section: Section, **args: Any) -> str:
    version = section.version
    base = f"/docs/{version.document.slug}/v{version.number}/{section.provision.key}/"
    if args:
        base += "?" + "&".join(f"{key}={value}" for key, value in args.items())
    return base
