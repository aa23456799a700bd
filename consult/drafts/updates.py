"""Updates by e-mail about drafts: a new public version, a consultation opening or closing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from consult.core.lazytext import lazy_gettext as _l
from consult.core.urls import email_url
from consult.drafts.models import STATUS_EDITING, VISIBILITY_PUBLIC, Document, Version
from consult.extensions import db
from consult.groups.update_models import KIND_CONSULTATIONS, KIND_VERSIONS
from consult.groups.updates import announce, announce_once

# A missed run of the hourly job still tells of a window that opened or closed this recently;
# older ones are not announced late.
LOOKBACK = timedelta(days=2)


def _link(version: Version) -> str:
    return email_url("drafts.show_version", slug=version.document.slug, number=version.number)


def version_published(version: Version) -> int:
    """Tell subscribers of the group (and of the site) of a new public version."""
    document = version.document
    if document.visibility != VISIBILITY_PUBLIC:
        return 0
    return announce(
        KIND_VERSIONS,
        document.group_id,
        _l("%(title)s: version %(number)s published", title=document.title, number=version.number),
        "update_version",
        version=version,
        document=document,
        link=_link(version),
    )


def announce_windows(now: datetime) -> int:
    """Consultations of public documents that opened or closed lately, each told once."""
    since = now - LOOKBACK
    rows = db.session.execute(
        select(Version, Document)
        .join(Document, Document.id == Version.document_id)
        .where(
            Version.status != STATUS_EDITING,
            Document.visibility == VISIBILITY_PUBLIC,
            or_(
                and_(Version.opens_at > since, Version.opens_at <= now),
                and_(Version.closes_at > since, Version.closes_at <= now),
            ),
        )
        .order_by(Version.id)
    ).all()
    written = 0
    for version, document in rows:
        for moment, template, subject in (
            (
                version.opens_at,
                "update_consultation_opened",
                _l(
                    "Consultation open: %(title)s, version %(number)s",
                    title=document.title,
                    number=version.number,
                ),
            ),
            (
                version.closes_at,
                "update_consultation_closed",
                _l(
                    "Consultation closed: %(title)s, version %(number)s",
                    title=document.title,
                    number=version.number,
                ),
            ),
        ):
            if moment is None or not since < moment <= now:
                continue
            key = f"{template}:{version.id}:{moment.isoformat()}"
            written += announce_once(
                key,
                KIND_CONSULTATIONS,
                document.group_id,
                subject,
                template,
                version=version,
                document=document,
                link=_link(version),
            )
    return written
