"""Hook providers: the adopted banner on version pages, signatures on organisation pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from consult.adoption import register, services
from consult.adoption.models import Code, CodeChapter
from consult.adoption.pledges import pledge_of
from consult.core.permissions import can_adopt, can_confirm_adoption, can_withdraw_adoption
from consult.extensions import db


def version_banner(version: Any, user: Any = None, **_: Any) -> dict[str, Any]:
    """Hook "version_page": adopted (or awaiting confirmation), and the code it belongs to."""
    adoption, withdrawn = services.adoptions_of(version)
    code = db.session.scalar(
        select(Code).join(CodeChapter).where(CodeChapter.document_id == version.document_id)
    )
    could_adopt = (
        adoption is None
        and version.is_published
        and can_adopt(user, version)
        and services.is_final(version)
    )
    waiting = services.consultation_blocks_adoption(version) if could_adopt else None
    context = {
        "adoption": adoption,
        "withdrawn": withdrawn,
        "version": version,
        "code": code,
        "may_adopt": could_adopt and waiting is None,
        "adoption_waits": waiting,
        "may_confirm": adoption is not None and can_confirm_adoption(user),
        "may_withdraw": adoption is not None
        and adoption.withdrawal_proposed_at is None
        and can_withdraw_adoption(user, adoption),
    }
    if adoption is None and not withdrawn and not context["may_adopt"] and not waiting:
        return {}
    return {"panels": [("adoption/_version_banner.html", context)]}


def organisation_panel(organisation: Any, user: Any = None, **_: Any) -> dict[str, Any]:
    """Hook "organisation_page": the codes and chapters it signed, and its AI Pact pledge."""
    signatures = register.signatures_of(organisation)
    pledge = pledge_of(organisation)
    if not signatures and pledge is None:
        return {}
    return {
        "panels": [
            ("adoption/_organisation_panel.html", {"signatures": signatures, "pledge": pledge})
        ]
    }
