"""Provision keys: canonical short URL keys, and every key a provision ever had."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from consult.drafts.errors import DraftError
from consult.drafts.models import Document, Provision, ProvisionKey, Section, Version
from consult.extensions import db

logger = logging.getLogger(__name__)


def free_key(document_id: int, key: str, version: Version, exclude_id: int | None) -> None:
    """Make `key` available as a canonical key, or refuse if this version already uses it.

    If another provision holds `key` and is part of this version, the change is refused
    (renumber that one first). If the holder is only in older versions (it was removed or
    renumbered away), it keeps a fallback key and the short key goes to the current text.
    """
    holder = db.session.scalars(
        select(Provision).where(
            Provision.document_id == document_id,
            Provision.key == key,
            Provision.id != (exclude_id or 0),
        )
    ).first()
    if holder is None:
        return
    in_version = db.session.scalars(
        select(Section).where(Section.version_id == version.id, Section.provision_id == holder.id)
    ).first()
    if in_version is not None:
        raise DraftError(
            _(
                "%(title)s already has this number in version %(number)s: "
                "give it another number first.",
                title=in_version.title or _("Another section"),
                number=version.number,
            ),
            field="number",
        )
    fallback = f"{key[:30]}-x{holder.id}"
    logger.info("provision %s hands key %s over, now %s", holder.id, key, fallback)
    holder.key = fallback
    db.session.add(ProvisionKey(document_id=document_id, key=fallback, provision=holder))
    db.session.flush()  # free the unique key before it is taken


def record_key(provision: Provision, key: str) -> None:
    """Make `key` the provision's canonical key; an old key now names its current holder."""
    historic = db.session.scalars(
        select(ProvisionKey).where(
            ProvisionKey.document_id == provision.document_id, ProvisionKey.key == key
        )
    ).first()
    if historic is not None:
        historic.provision = provision
    else:
        db.session.add(
            ProvisionKey(document_id=provision.document_id, key=key, provision=provision)
        )
    provision.key = key


def claim_key(provision: Provision, key: str, version: Version) -> None:
    """Give an existing provision a new canonical key (renumbering); old keys keep resolving."""
    if provision.key == key:
        return
    free_key(provision.document_id, key, version, provision.id)
    record_key(provision, key)


def new_provision(document: Document, version: Version, kind: str, key: str) -> Provision:
    free_key(document.id, key, version, None)
    provision = Provision(document_id=document.id, key=key, kind=kind)
    db.session.add(provision)
    record_key(provision, key)
    return provision
