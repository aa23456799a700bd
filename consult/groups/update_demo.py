"""Demo subscribers to updates by e-mail: three confirmed (site, one group, events only) and one
pending. Loaded last (from the events demo), so the demo's own publishing mails nobody."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from consult.db import utcnow
from consult.extensions import db
from consult.groups.update_models import UpdateSubscriber, UpdateSubscriberGroup


def load(context: dict[str, Any]) -> None:
    now = utcnow()
    group = context["groups"]["transparency-copyright"]
    rows = [
        ("journalist@press.example", "confirmed", True, "en", ()),
        ("forscherin@uni.example", "confirmed", False, "de", (group.id,)),
        ("veille@association.example", "confirmed", False, "fr", (group.id,)),
        ("not-yet@example.org", "pending", True, "en", ()),
    ]
    for email, status, site_wide, language, group_ids in rows:
        subscriber = UpdateSubscriber(
            email=email,
            token=secrets.token_urlsafe(32),
            status=status,
            site_wide=site_wide,
            language=language,
            created_at=now - timedelta(days=3),
            confirm_sent_at=now - timedelta(days=3),
            confirmed_at=now - timedelta(days=3) if status == "confirmed" else None,
        )
        if email.startswith("veille"):
            subscriber.wants_versions = subscriber.wants_adoption = False
        subscriber.groups = [UpdateSubscriberGroup(group_id=gid) for gid in group_ids]
        db.session.add(subscriber)
    db.session.flush()
