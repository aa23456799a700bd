"""Permission matrix: every moderation URL, GET and POST, for every role."""

from __future__ import annotations

from typing import Any

import pytest
from flask import g
from sqlalchemy import func, select

from consult.extensions import db
from consult.moderation import revisions
from consult.moderation.models import Disposition
from tests.conftest import ROLES
from tests.web.test_moderation_support import build_consultation

MODERATORS = {"moderator", "vice_chair", "chair", "admin"}
PUBLISHERS = {"vice_chair", "chair", "admin"}
EVERYONE = set(ROLES)


def _setup() -> dict[str, Any]:
    c = build_consultation(comments=2)
    proposal = c.comments[1]
    proposal.proposed_text = "Signatories shall publish a summary."
    proposal.proposal_scope = "provision"
    revision = revisions.open_revision(c.version, user=c.chair)
    section = next(
        s for s in revisions.drafts.sections_of(revision.version)
        if s.provision_id == c.sections[0].provision_id
    )  # fmt: skip
    db.session.commit()
    doc, cid = c.slug, c.comments[0].id
    rev = f"/docs/{doc}/revisions/{revision.id}"
    return {
        "c": c,
        "urls": {
            "triage": ("GET", f"/docs/{doc}/v1/triage", None, MODERATORS),
            "bulk": (
                "POST", f"/docs/{doc}/v1/triage",
                {"comment_ids": [cid], "action": "dispose", "outcome": "noted",
                 "rationale": "Noted."},
                MODERATORS,
            ),
            "comment": ("GET", f"/docs/{doc}/v1/triage/{cid}", None, MODERATORS),
            "dispose": (
                "POST", f"/docs/{doc}/v1/triage/{cid}",
                {"outcome": "rejected", "rationale": "Out of our remit."}, MODERATORS,
            ),
            "assign": (
                "POST", f"/docs/{doc}/v1/triage/{cid}/assign",
                {"assign-assignee": c.moderator.id}, MODERATORS,
            ),
            "report": ("GET", f"/docs/{doc}/v1/report", None, EVERYONE),
            "report_csv": ("GET", f"/docs/{doc}/v1/report.csv", None, EVERYONE),
            "open_revision": ("POST", f"/docs/{doc}/v1/revisions", {}, MODERATORS),
            "workspace": ("GET", f"{rev}/", None, MODERATORS),
            "edit": ("GET", f"{rev}/provisions/{section.id}/", None, MODERATORS),
            "save": (
                "POST", f"{rev}/provisions/{section.id}/",
                {"lock_version": section.lock_version, "number": "1.1", "heading": "H",
                 "body": "New text.", "comment_ids": [cid]},
                MODERATORS,
            ),
            "apply": ("POST", f"{rev}/comments/{proposal.id}/apply", {}, MODERATORS),
            "add_form": ("GET", f"{rev}/add", None, MODERATORS),
            "add": (
                "POST", f"{rev}/add",
                {"parent": "", "after": "", "kind": "measure", "number": "1.9",
                 "heading": "New", "body": "Text."},
                MODERATORS,
            ),
            "move_form": ("GET", f"{rev}/provisions/{section.id}/move", None, MODERATORS),
            "move": (
                "POST", f"{rev}/provisions/{section.id}/move", {"parent": "", "after": ""},
                MODERATORS,
            ),
            "remove": (
                "POST", f"{rev}/provisions/{section.id}/remove", {"remove-confirm": "y"},
                MODERATORS,
            ),
            "publish_form": ("GET", f"{rev}/publish", None, PUBLISHERS),
            "publish": (
                "POST", f"{rev}/publish",
                {"changelog": "Changes.", "publish_anyway": "y", "close_open_window": "y"},
                PUBLISHERS,
            ),
        },
    }  # fmt: skip


def _dispositions() -> int:
    return db.session.scalar(select(func.count(Disposition.id))) or 0


URL_NAMES = [
    "triage", "bulk", "comment", "dispose", "assign", "report", "report_csv", "open_revision",
    "workspace", "edit", "save", "apply", "add_form", "add", "move_form", "move", "remove",
    "publish_form", "publish",
]  # fmt: skip


@pytest.mark.parametrize("name", URL_NAMES)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, db, login_as, role, name):
    setup = _setup()
    method, url, data, allowed = setup["urls"][name]
    login_as(role, group=setup["c"].group)
    db.session.commit()
    g.pop("_login_user", None)
    before = _dispositions()
    response = client.open(url, method=method, data=data)
    if role in allowed:
        assert response.status_code in {200, 302}, response.get_data(as_text=True)[:2000]
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"]
    elif role == "visitor":
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
    if role not in allowed:
        db.session.expire_all()
        assert _dispositions() == before  # nothing changed


def test_open_revision_refused_for_a_superseded_version(client, db, login_as):
    c = build_consultation(comments=0)
    revision = revisions.open_revision(c.version, user=c.chair)
    revisions.publish_revision(
        revision, user=c.chair, changelog="v2", opens_at=None, closes_at=None,
        publish_anyway=True, close_open_window=True,
    )  # fmt: skip
    db.session.commit()
    login_as("chair", group=c.group)
    response = client.post(f"/docs/{c.slug}/v1/revisions", follow_redirects=True)
    assert "is not the current published version" in response.get_data(as_text=True)
