"""A person's data rights: export, leaving (erasure), e-mail change, password change sessions."""

from __future__ import annotations

import io
import json
import re
import zipfile

from flask import g
from sqlalchemy import select

from consult.api.models import ApiToken
from consult.core.models import AuditEvent, OutboxMessage
from consult.extensions import db as _db
from tests import factories
from tests.factories import PASSWORD
from tests.web.test_accounts_reset import mails_to, status_of
from tests.web.test_moderation_support import build_consultation

NEW_PASSWORD = "a brand new passphrase for this test"


def _zip(response) -> dict[str, list]:
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()  # the temporary file is closed with the response
    return {
        name: json.loads(archive.read(name))
        for name in archive.namelist()
        if name.endswith(".json")
    }


def test_export_holds_everything_about_the_user_and_nobody_else(client, db, login_as):
    c = build_consultation(comments=0)
    user = login_as("stakeholder", bio="Expert on audits.")
    mine = factories.CommentFactory(section=c.sections[0], author=user, body="My own remark.")
    other = factories.CommentFactory(section=c.sections[0], body="Someone else's remark.")
    factories.EndorsementFactory(comment=other, user=user, stance="support")
    factories.ReportFactory(comment=other, reporter=user, reason="spam")
    _db.session.add(ApiToken(user_id=user.id, name="laptop", token_hash="f" * 64, prefix="abc"))
    _db.session.flush()
    response = client.post("/me/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = _zip(response)
    [account] = files["account.json"]
    assert account["email"] == user.email and account["bio"] == "Expert on audits."
    assert "password_hash" not in account and "session_nonce" not in account
    assert [c["body"] for c in files["comments.json"]] == ["My own remark."]
    assert files["comments.json"][0]["id"] == mine.id
    assert [e["comment_id"] for e in files["endorsements.json"]] == [other.id]
    assert [r["comment_id"] for r in files["reports_made.json"]] == [other.id]
    assert files["organisation_memberships.json"][0]["user_id"] == user.id
    assert files["api_tokens.json"][0]["name"] == "laptop"
    assert "token_hash" not in files["api_tokens.json"][0]
    for name in ("audit_events.json", "notifications.json", "emails.json", "comment_history.json"):
        assert isinstance(files[name], list)
    assert "Someone else's remark." not in json.dumps(files)


def test_export_and_account_pages_need_sign_in(client, db, login_as):
    login_as("visitor")
    assert client.get("/me/account").status_code == 302
    assert client.post("/me/account/export").status_code == 302
    assert client.post("/me/account/delete", data={"delete-password": PASSWORD}).status_code == 302


def _public(app, url) -> str:
    """The page as a visitor sees it (another client: nobody signed in)."""
    g.pop("_login_user", None)
    return app.test_client().get(url).get_data(as_text=True)


def test_leaving_erases_personal_data_and_keeps_public_record(app, client, db, login_as):
    c = build_consultation(comments=0)
    user = login_as("stakeholder", display_name="Ada Lovelace", bio="About Ada.")
    organisation_name = user.organisation.name
    public = factories.CommentFactory(section=c.sections[0], author=user, body="Public words.")
    secret = factories.CommentFactory(
        section=c.sections[1], author=user, body="Secret words.", is_confidential=True
    )
    factories.DispositionFactory(comment=public, outcome="accepted", rationale="Adopted.")
    _db.session.add(ApiToken(user_id=user.id, name="laptop", token_hash="e" * 64, prefix="abc"))
    pending = OutboxMessage(to_addr=user.email, subject="Queued", body_text="x", user_id=user.id)
    _db.session.add(pending)
    _db.session.flush()
    page_before = _public(app, c.url("report"))
    csv_before = _public(app, c.url("report.csv"))
    g.pop("_login_user", None)

    wrong = client.post("/me/account/delete", data={"delete-password": "not my password"})
    assert wrong.status_code == 200 and "Your password is not correct." in wrong.get_data(
        as_text=True
    )
    response = client.post("/me/account/delete", data={"delete-password": PASSWORD})
    assert response.status_code == 302
    _db.session.refresh(user)
    assert user.is_erased and user.display_name == "Former participant"
    assert "ada" not in user.email.lower() and user.bio == "" and not user.is_active
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all() == []
    assert db.session.get(OutboxMessage, pending.id) is None
    # The public comment stays with its snapshot; the confidential one leaves with its author.
    assert public.body == "Public words." and public.organisation_name == organisation_name
    assert secret.state == "deleted" and secret.body == ""
    assert status_of(client, "/me/profile") == 302  # signed out
    page_after = _public(app, c.url("report"))
    assert page_after == page_before.replace("Ada Lovelace", "Former participant")
    assert _public(app, c.url("report.csv")) == csv_before
    [event] = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.erase"))
    assert "own request" in event.summary and "Ada" not in event.summary


def test_disposition_report_differs_only_in_the_name(client, db, login_as):
    c = build_consultation(comments=2)
    user = factories.UserFactory(display_name="Grace Hopper")
    comment = factories.CommentFactory(section=c.sections[0], author=user)
    factories.DispositionFactory(comment=comment, outcome="rejected", rationale="Out of time.")
    login_as("visitor")
    before = client.get(c.url("report")).get_data(as_text=True)
    from consult.accounts.privacy import erase_account

    admin = factories.UserFactory(is_admin=True)
    erase_account(user, actor=admin, reason="E-mail of 27 November")
    after = client.get(c.url("report")).get_data(as_text=True)
    assert after == before.replace("Grace Hopper", "Former participant")


def test_admin_erases_on_request_audited_and_others_may_not(client, db, login_as):
    target = factories.UserFactory(display_name="Leaving Person")
    for role in ("visitor", "stakeholder", "moderator", "chair"):
        login_as(role)
        assert client.post(f"/admin/users/{target.id}/erase", data={"reason": "x"}).status_code in (
            302,
            403,
        )
        assert not target.is_erased
    admin = login_as("admin")
    missing = client.post(f"/admin/users/{target.id}/erase", data={"reason": ""})
    assert "Say whose request" in missing.get_data(as_text=True)
    done = client.post(f"/admin/users/{target.id}/erase", data={"reason": "Letter of 2 Nov"})
    assert done.status_code == 302
    assert target.is_erased and target.display_name == "Former participant"
    [event] = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.erase"))
    assert event.actor_id == admin.id and "Letter of 2 Nov" in event.summary


def test_email_change_needs_the_link_and_tells_the_old_address(client, db, login_as):
    user = login_as("stakeholder", email="old@example.org")
    response = client.post(
        "/me/account/email", data={"change-email": "new@example.org", "change-password": PASSWORD}
    )
    assert response.status_code == 302
    assert user.email == "old@example.org"  # the old address keeps working until confirmed
    assert [m.subject for m in mails_to("old@example.org")] == [
        "A change of your e-mail address was requested"
    ]
    [mail] = mails_to("new@example.org")
    path = re.search(r"http://localhost(/me/account/email/\S+)", mail.body_text).group(1)
    g.pop("_login_user", None)
    assert client.get(path).status_code == 302
    assert user.email == "new@example.org"
    assert "Your e-mail address was changed" in [m.subject for m in mails_to("old@example.org")]
    # Used once: the link names the old address, which is no longer the account's.
    assert client.get(path).status_code == 400


def test_email_change_refusals_keep_the_input(client, db, login_as):
    factories.UserFactory(email="taken@example.org")
    login_as("stakeholder")
    taken = client.post(
        "/me/account/email", data={"change-email": "taken@example.org", "change-password": PASSWORD}
    ).get_data(as_text=True)
    assert "Another account uses this e-mail address." in taken
    wrong = client.post(
        "/me/account/email", data={"change-email": "fresh@example.org", "change-password": "nope"}
    ).get_data(as_text=True)
    assert "Your password is not correct." in wrong and 'value="fresh@example.org"' in wrong
    assert client.get("/me/account/email/garbage").status_code == 400


def test_password_change_ends_other_sessions(app, client, db):
    factories.UserFactory(email="ada@example.org")
    other = app.test_client()
    for c in (client, other):
        g.pop("_login_user", None)
        c.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert status_of(other, "/me/profile") == 200
    g.pop("_login_user", None)
    response = client.post(
        "/me/password",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert status_of(client, "/me/profile") == 200
    assert status_of(other, "/me/profile") == 302


def test_export_has_the_decisions_on_ones_comments_and_those_one_took(client, db, login_as):
    c = build_consultation(comments=0)
    chair = factories.UserFactory(display_name="Chair Person")
    user = login_as("stakeholder")
    mine = factories.CommentFactory(section=c.sections[0], author=user, body="Mine.")
    factories.DispositionFactory(comment=mine, outcome="accepted", rationale="Taken over.")
    from consult.db import utcnow
    from consult.moderation.models import DispositionRecord

    _db.session.add(
        DispositionRecord(
            comment_id=mine.id, outcome="accepted", rationale="Taken over.",
            decided_by_id=chair.id, decided_at=utcnow(),
        )
    )  # fmt: skip
    _db.session.flush()
    files = _zip(client.post("/me/account/export"))
    [disposition] = files["dispositions_of_my_comments.json"]
    assert disposition["comment_id"] == mine.id and disposition["rationale"] == "Taken over."
    assert "assignee_id" not in disposition
    assert [r["comment_id"] for r in files["disposition_history_of_my_comments.json"]] == [mine.id]
    assert files["decisions_made.json"] == []


def test_leaving_blanks_the_decided_copy_of_a_confidential_comment(client, db, login_as):
    c = build_consultation(comments=0)
    user = login_as("stakeholder")
    secret = factories.CommentFactory(
        section=c.sections[0], author=user, body="Secret words.", is_confidential=True
    )
    public = factories.CommentFactory(section=c.sections[1], author=user, body="Public words.")
    kept = factories.DispositionFactory(comment=public, decided_body="Public words.")
    gone = factories.DispositionFactory(
        comment=secret, decided_body="Secret words.", rationale="Noted."
    )
    assert client.post("/me/account/delete", data={"delete-password": PASSWORD}).status_code == 302
    _db.session.refresh(gone)
    _db.session.refresh(kept)
    assert gone.decided_body == "" and gone.rationale == "Noted."
    assert kept.decided_body == "Public words."


def test_an_erased_approver_leaves_no_name_on_the_comments_they_approved(app, client, db):
    from consult.comments import workspace
    from consult.comments.models import Comment

    organisation = factories.OrganisationFactory(name="Industry Association")
    version = factories.VersionFactory(status="editing")
    section = factories.SectionFactory(version=version, body="Providers shall keep records.")
    version.status = "published"
    drafter = factories.UserFactory(organisation=organisation, display_name="Alice Drafter")
    leaving, staying = (
        factories.UserFactory(
            organisation=organisation, display_name=name, tie__representative=True
        )
        for name in ("Rita Rep", "Sam Steward")
    )
    comments = {}
    for rep, body in ((leaving, "We ask for a threshold."), (staying, "We ask for a register.")):
        draft = workspace.create_draft(organisation, section, user=drafter, body=body)
        [comments[rep.id]] = workspace.approve_drafts([draft], user=rep)
    _db.session.commit()
    thread_url = f"/docs/{version.document.slug}/v{version.number}/{section.provision.key}/"
    before = _public(app, thread_url)
    assert "approved by Rita Rep" in before and "approved by Sam Steward" in before

    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = leaving.get_id()
        session["_fresh"] = True
    response = client.post("/me/account/delete", data={"delete-password": PASSWORD})
    assert response.status_code == 302 and leaving.is_erased

    rows = _db.session.execute(select(Comment.approved_by_id, Comment.approved_by_name))
    names = {approver: name for approver, name in rows}
    assert names == {leaving.id: "Former participant", staying.id: "Sam Steward"}
    assert comments[leaving.id].on_behalf  # still the organisation's voice
    after = _public(app, thread_url)
    assert "Rita Rep" not in after
    assert "approved by Former participant" in after and "approved by Sam Steward" in after
    german = _public(app, thread_url + "?lang=de")
    assert "Rita Rep" not in german and "Ehemals teilnehmende Person" in german
