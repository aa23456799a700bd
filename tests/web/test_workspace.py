"""Organisation workspaces (issue 17): co-drafting, conflicts, sign-off, privacy, warnings."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from consult.attachments.models import Attachment
from consult.attachments.samples import make_pdf
from consult.comments import workspace
from consult.comments.models import Comment, CommentCount
from consult.comments.workspace_models import WorkspaceDraft
from consult.core.models import OutboxMessage
from consult.db import utcnow
from consult.search.models import SearchEntry
from tests import factories


@pytest.fixture
def org(db: Any) -> Any:
    """An organisation with two members and a representative, and an open version."""
    organisation = factories.OrganisationFactory(name="Industry Association")
    version = factories.VersionFactory(status="editing")
    section = factories.SectionFactory(
        version=version, body="Providers shall keep records of training data."
    )
    version.status = "published"
    alice = factories.UserFactory(organisation=organisation, display_name="Alice Drafter")
    bob = factories.UserFactory(organisation=organisation, display_name="Bob Editor")
    rep = factories.UserFactory(
        organisation=organisation, display_name="Rita Rep", tie__representative=True
    )
    db.session.commit()
    return {"org": organisation, "section": section, "alice": alice, "bob": bob, "rep": rep}


def _sign_in(client: Any, user: Any) -> None:
    from flask import g

    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _workspace_url(o: dict[str, Any]) -> str:
    version = o["section"].version
    return f"/organisations/{o['org'].id}/workspace/{version.document.slug}/v{version.number}/"


def _close_at(o: dict[str, Any], when: Any) -> None:
    from sqlalchemy import update

    from consult.drafts.models import Version

    version = o["section"].version
    from consult.extensions import db

    db.session.execute(update(Version).where(Version.id == version.id).values(closes_at=when))
    db.session.expire(version)


def _draft(o: dict[str, Any], user: str = "alice", body: str = "We ask for a threshold.") -> Any:
    return workspace.create_draft(o["org"], o["section"], user=o[user], body=body)


def test_a_member_drafts_with_a_position_paper(client: Any, db: Any, org: Any) -> None:
    _sign_in(client, org["alice"])
    response = client.post(
        _workspace_url(org),
        data={
            "section_id": org["section"].id,
            "kind": "technical",
            "body": "Records should be kept for five years.",
            "files": (io.BytesIO(make_pdf([["Retention of training data records"]])), "p.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    draft = db.session.scalars(select(WorkspaceDraft)).one()
    assert draft.kind == "technical" and draft.revision == 1
    assert db.session.scalar(select(func.count(Attachment.id))) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "p.pdf" in page and "Alice Drafter" in page


def test_a_refused_file_keeps_every_typed_field(client: Any, db: Any, org: Any) -> None:
    _sign_in(client, org["alice"])
    response = client.post(
        _workspace_url(org),
        data={
            "section_id": org["section"].id,
            "kind": "general",
            "body": "Text I typed carefully.",
            "proposed_text": "My proposal.",
            "files": (io.BytesIO(b"<html>not a pdf</html>"), "evil.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "is not a PDF, ODT or DOCX file" in page
    assert "Text I typed carefully." in page and "My proposal." in page
    assert db.session.scalar(select(func.count(WorkspaceDraft.id))) == 0


def test_a_colleague_edits_and_the_history_shows_who(client: Any, db: Any, org: Any) -> None:
    draft = _draft(org)
    db.session.commit()
    _sign_in(client, org["bob"])
    response = client.post(
        f"/workspace/drafts/{draft.id}",
        data={"section_id": org["section"].id, "kind": "general", "body": "Better.", "revision": 1},
    )
    assert response.status_code == 302
    page = client.get(f"/workspace/drafts/{draft.id}").get_data(as_text=True)
    assert "Bob Editor" in page and "Alice Drafter" in page
    assert db.session.get(WorkspaceDraft, draft.id).revision == 2


def test_a_conflicting_save_shows_both_and_loses_nothing(client: Any, db: Any, org: Any) -> None:
    draft = _draft(org)
    workspace.edit_draft(draft, user=org["bob"], base_revision=1, body="Bob's text.")
    db.session.commit()
    _sign_in(client, org["alice"])
    response = client.post(
        f"/workspace/drafts/{draft.id}",
        data={
            "section_id": org["section"].id,
            "kind": "general",
            "body": "Alice's text.",
            "revision": 1,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Bob&#39;s text." in page and "Alice&#39;s text." in page
    assert db.session.get(WorkspaceDraft, draft.id).body == "Bob's text."
    # Saving again from the conflict page (now based on revision 2) wins.
    response = client.post(
        f"/workspace/drafts/{draft.id}",
        data={"section_id": org["section"].id, "kind": "general", "body": "Merged.", "revision": 2},
    )
    assert response.status_code == 302
    assert db.session.get(WorkspaceDraft, draft.id).body == "Merged."


def test_notes_are_internal(client: Any, db: Any, org: Any) -> None:
    draft = _draft(org)
    db.session.commit()
    _sign_in(client, org["bob"])
    client.post(f"/workspace/drafts/{draft.id}/notes", data={"note-body": "Check with legal."})
    assert "Check with legal." in client.get(f"/workspace/drafts/{draft.id}").get_data(as_text=True)


def test_the_representative_approves_and_the_comment_speaks_for_the_organisation(
    client: Any, db: Any, org: Any
) -> None:
    from consult.attachments import services as attachments
    from consult.attachments.storage import stage_bytes

    draft = _draft(org, body="We ask for a threshold on compute.")
    staged = stage_bytes(make_pdf([["Our position on compute thresholds"]]), "position.pdf")
    attachments.attach(workspace.OWNER_DRAFT, draft.id, [staged], user=org["alice"])
    db.session.commit()
    _sign_in(client, org["alice"])
    assert client.post(f"/workspace/drafts/{draft.id}/approve").status_code == 403
    _sign_in(client, org["rep"])
    response = client.post(f"/workspace/drafts/{draft.id}/approve")
    assert response.status_code == 302
    comment = db.session.scalars(select(Comment)).one()
    assert comment.on_behalf and comment.approved_by_name == "Rita Rep"
    assert comment.organisation_id == org["org"].id
    assert comment.category_id == org["org"].category_id
    counted = db.session.scalar(select(func.sum(CommentCount.public_count)))
    assert counted == 1
    entry = db.session.scalars(
        select(SearchEntry).where(
            SearchEntry.kind == "comment", SearchEntry.object_id == comment.id
        )
    ).one()
    assert "compute thresholds" in entry.body  # the position paper is found by search
    version = org["section"].version
    thread = client.get(
        f"/docs/{version.document.slug}/v{version.number}/{org['section'].provision.key}/"
    ).get_data(as_text=True)
    assert "On behalf of Industry Association" in thread and "approved by Rita Rep" in thread
    voice = client.get(
        f"/organisations/{org['org'].id}/voice/{version.document.slug}/v{version.number}/"
    ).get_data(as_text=True)
    assert "We ask for a threshold on compute." in voice and "position.pdf" in voice
    assert db.session.get(WorkspaceDraft, draft.id).status == "published"


def test_batch_approval(client: Any, db: Any, org: Any) -> None:
    first, second = _draft(org, body="One."), _draft(org, body="Two.")
    db.session.commit()
    _sign_in(client, org["rep"])
    response = client.post(
        _workspace_url(org) + "approve", data={"draft_ids": [first.id, second.id]}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Comment.id))) == 2


def test_a_personal_comment_is_marked_personal(client: Any, db: Any, org: Any) -> None:
    factories.CommentFactory(section=org["section"], author=org["bob"], body="My own view.")
    db.session.commit()
    version = org["section"].version
    page = client.get(
        f"/docs/{version.document.slug}/v{version.number}/{org['section'].provision.key}/"
    ).get_data(as_text=True)
    assert "Personal comment" in page


@pytest.mark.parametrize(
    "who,status",
    [("anon", 302), ("outsider", 404), ("moderator", 404), ("admin", 404), ("bob", 200)],
)
def test_the_workspace_is_private(client: Any, db: Any, org: Any, who: str, status: int) -> None:
    draft = _draft(org, body="Secret drafting words.")
    db.session.commit()
    people = {
        "outsider": factories.UserFactory(),
        "moderator": factories.MembershipFactory(
            group=org["section"].version.document.group, role="moderator"
        ).user,
        "admin": factories.UserFactory(is_admin=True),
        "bob": org["bob"],
    }
    db.session.commit()
    if who != "anon":
        _sign_in(client, people[who])
    for url in (
        f"/organisations/{org['org'].id}/workspace",
        _workspace_url(org),
        f"/workspace/drafts/{draft.id}",
    ):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert "/login" in response.headers["Location"]
    # Never in search, counts or the public pages, whoever asks.
    assert "Secret drafting words." not in client.get("/search?q=drafting").get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count(SearchEntry.id)).where(SearchEntry.body.contains("Secret drafting"))
        )
        == 0
    )
    assert db.session.scalar(select(func.count(CommentCount.id))) == 0


def test_after_the_close_a_draft_is_kept_read_only(client: Any, db: Any, org: Any) -> None:
    draft = _draft(org, body="Too late.")
    _close_at(org, utcnow() - timedelta(minutes=1))
    db.session.commit()
    _sign_in(client, org["alice"])
    page = client.get(f"/workspace/drafts/{draft.id}").get_data(as_text=True)
    assert "Not approved before the consultation closed" in page and "Too late." in page
    response = client.post(
        f"/workspace/drafts/{draft.id}",
        data={"section_id": org["section"].id, "kind": "general", "body": "Edit", "revision": 1},
    )
    assert db.session.get(WorkspaceDraft, draft.id).body == "Too late."
    assert response.status_code == 200


def test_drafters_are_warned_48_hours_before_the_close(db: Any, org: Any) -> None:
    draft = _draft(org)
    workspace.edit_draft(draft, user=org["bob"], base_revision=1, body="Edited.")
    _close_at(org, utcnow() + timedelta(hours=30))
    db.session.commit()
    assert workspace.warn_unapproved() == 2
    subjects = db.session.scalars(select(OutboxMessage.to_addr)).all()
    assert sorted(subjects) == sorted([org["alice"].email, org["bob"].email])
    assert workspace.warn_unapproved() == 0  # once


def test_the_demo_association_has_two_drafts_one_approved_with_a_paper(db: Any) -> None:
    from consult.comments import demo_workspace

    version = factories.VersionFactory(status="editing")
    factories.SectionFactory(version=version)
    factories.SectionFactory(version=version)
    version.status = "published"
    db.session.flush()
    context: dict[str, Any] = {"versions": {"transparency": [version, version]}}
    demo_workspace.load(context)
    drafts = db.session.scalars(select(WorkspaceDraft)).all()
    assert sorted(d.status for d in drafts) == ["draft", "published"]
    comment = db.session.scalars(select(Comment)).one()
    assert comment.approved_by_name == "Sofia Marchetti"
    files = db.session.scalars(select(Attachment).where(Attachment.owner_type == "comment")).all()
    assert [f.blob.file_type for f in files] == ["pdf"] and files[0].blob.text
