"""Adoption of chapters, signing, the signatory register, pledges, reports and reminders."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from consult.adoption import pledges, services
from consult.adoption.models import Adoption, ReportReminder, Signature
from consult.core.models import AuditEvent, OutboxMessage
from consult.db import utcnow
from consult.extensions import db as _db
from tests import factories


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def code(db: Any) -> Any:
    admin = factories.UserFactory(is_admin=True)
    group = factories.GroupFactory()
    closed = factories.closed_window()
    versions = [factories.VersionFactory(document=factories.DocumentFactory(group=group),
                                         **closed) for _ in range(2)]  # fmt: skip
    code = services.create_code("ai-code", "AI code", "", [v.document for v in versions], admin)
    db.session.flush()
    code.versions = versions
    code.admin = admin
    code.group = group
    return code


def _adopt_all(code: Any) -> None:
    for version in code.versions:
        services.confirm_adoption(
            services.propose_adoption(version, code.admin, utcnow().date()), code.admin
        )


def _rep(org: Any = None) -> dict[str, Any]:
    org = org or factories.OrganisationFactory(verified_at=utcnow())
    return {"organisation": org, "tie__representative": True}


@pytest.mark.parametrize(
    ("role", "status"),
    [("visitor", 302), ("stakeholder", 403), ("moderator", 403), ("chair", 200), ("admin", 200)],
)
def test_only_chairs_and_admins_put_a_version_forward(client, login_as, code, role, status):
    login_as(role, group=code.group)
    version = code.versions[0]
    response = client.get(f"/docs/{version.document.slug}/v{version.number}/adopt")
    assert response.status_code == status


def test_adoption_needs_an_admin_and_shows_on_the_version_page(client, login_as, code, db):
    version = code.versions[0]
    login_as("chair", group=code.group)
    url = f"/docs/{version.document.slug}/v{version.number}/"
    response = client.post(url + "adopt", data={"adopted_on": "2026-11-20", "note": "Final."})
    assert response.status_code == 302
    adoption = db.session.scalars(select(Adoption)).one()
    assert "awaiting an administrator" in client.get(url).get_data(as_text=True)
    assert client.post(f"/adoptions/{adoption.id}/confirm").status_code == 403
    login_as("admin")
    assert client.post(f"/adoptions/{adoption.id}/confirm").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "was adopted as the final text on 20 November 2026" in page
    assert not services.code_is_adopted(code)
    services.confirm_adoption(
        services.propose_adoption(code.versions[1], code.admin, utcnow().date()), code.admin
    )
    assert services.code_is_adopted(code)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"adoption.propose", "adoption.confirm"} <= actions


def test_a_version_is_adopted_only_once_its_consultation_has_closed(client, login_as, db):
    """The record must not say "adopted" while people are still asked to comment."""
    group = factories.GroupFactory()
    chair = login_as("chair", group=group)
    version = factories.VersionFactory(document=factories.DocumentFactory(group=group))
    db.session.commit()
    url = f"/docs/{version.document.slug}/v{version.number}/"
    page = client.get(url).get_data(as_text=True)
    assert "Put this version forward for adoption" not in page
    assert "It can be put forward for adoption once the consultation has closed" in page
    page = client.get(url + "adopt").get_data(as_text=True)
    assert "Comments on this version are open until" in page and 'name="adopted_on"' not in page
    # A post from a page loaded earlier is refused, with the text typed kept.
    response = client.post(url + "adopt", data={"adopted_on": "2026-11-20", "note": "Kept note."})
    assert response.status_code == 200 and "Kept note.</textarea>" in response.text
    assert "once the consultation has closed" in response.text
    assert db.session.scalar(select(func.count(Adoption.id))) == 0
    # Comments that never close (no closing time) wait too; a version without one can go.
    endless = factories.VersionFactory(
        document=factories.DocumentFactory(group=group), closes_at=None
    )
    with pytest.raises(services.AdoptionError, match="no announced closing time"):
        services.propose_adoption(endless, chair, utcnow().date())
    upcoming = factories.VersionFactory(
        document=factories.DocumentFactory(group=group),
        opens_at=utcnow() + timedelta(days=2), closes_at=utcnow() + timedelta(days=30),
    )  # fmt: skip
    with pytest.raises(services.AdoptionError, match="has not taken place yet"):
        services.propose_adoption(upcoming, chair, utcnow().date())
    unconsulted = factories.VersionFactory(
        document=factories.DocumentFactory(group=group), opens_at=None, closes_at=None
    )
    assert services.propose_adoption(unconsulted, chair, utcnow().date())


def test_the_code_page_says_which_chapter_is_still_consulted_on(client, db):
    admin = factories.UserFactory(is_admin=True)
    group = factories.GroupFactory()
    done = factories.VersionFactory(
        document=factories.DocumentFactory(group=group, title="Copyright"),
        **factories.closed_window(),
    )
    consulted = factories.VersionFactory(
        document=factories.DocumentFactory(group=group, title="Transparency"), number=2
    )
    code = services.create_code("two", "Two", "", [done.document, consulted.document], admin)
    services.confirm_adoption(services.propose_adoption(done, admin, utcnow().date()), admin)
    db.session.commit()
    page = client.get(f"/code/{code.slug}/").get_data(as_text=True)
    assert "Not yet adopted" in page
    slug = consulted.document.slug
    assert f'<a class="govuk-link" href="/docs/{slug}/v2/">version 2</a> is open for comments' in (
        page
    )


def test_the_register_csv_shows_formulas_as_text_in_every_spreadsheet_locale(client, code, db):
    """Names typed by signatories: "x;=1+1" is a live formula in Excel locales that split on
    ";" unless every formula start after a separator is quoted too (issue 12, defect 5)."""
    _adopt_all(code)
    org = factories.OrganisationFactory(verified_at=utcnow(), name="Acme;=HYPERLINK(1)")
    rep = factories.UserFactory(organisation=org, tie__representative=True)
    signature = services.sign_code(
        code, org, rep, [code.versions[0].document_id], "Ada Example", "CEO", "Articles."
    )
    services.verify_signature(signature, code.admin)
    db.session.commit()
    text = client.get("/code/ai-code/signatories.csv").get_data(as_text=True)
    assert "Acme;'=HYPERLINK(1)" in text
    assert "=HYPERLINK(1)" not in text.replace("'=HYPERLINK(1)", "")


def test_a_superseded_version_cannot_be_adopted(code, db):
    old = code.versions[0]
    factories.VersionFactory(document=old.document)
    with pytest.raises(services.AdoptionError):
        services.propose_adoption(old, code.admin, utcnow().date())


def _sign_data(code: Any, **extra: Any) -> dict[str, Any]:
    return {
        "chapters": [str(code.versions[0].document_id)],
        "signatory_name": "Ada Example",
        "signatory_function": "CEO",
        "authority": "Managing director under the articles of association.",
        **extra,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("visitor", 302), ("member", 403), ("unverified_org", 403), ("admin", 403), ("rep", 200)],
)
def test_only_representatives_of_a_verified_organisation_sign(client, login_as, code, who, status):
    _adopt_all(code)
    if who == "rep":
        login_as("stakeholder", **_rep())
    elif who == "unverified_org":
        login_as("stakeholder", **_rep(factories.OrganisationFactory()))
    elif who == "member":
        login_as("stakeholder", organisation=factories.OrganisationFactory(verified_at=utcnow()))
    else:
        login_as(who)
    assert client.get("/code/ai-code/sign").status_code == status


def test_signing_verification_register_and_withdrawal(
    client, login_as, code, db, tmp_path, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SIGNATURE_UPLOAD_DIR", str(tmp_path))
    _adopt_all(code)
    user = login_as("stakeholder", **_rep())
    data = _sign_data(code, pdf=(io.BytesIO(_pdf()), "signed.pdf"))
    response = client.post("/code/ai-code/sign", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    signature = db.session.scalars(select(Signature)).one()
    assert signature.pdf_path and (tmp_path / signature.pdf_path).exists()
    # Not public before an administrator verifies it.
    login_as("visitor")
    assert user.organisation.name not in client.get("/code/ai-code/signatories").text
    assert client.get(f"/signatures/{signature.id}").status_code == 404
    login_as("admin")
    assert client.post(f"/signatures/{signature.id}/verify").status_code == 302
    login_as("visitor")
    register = client.get("/code/ai-code/signatories").text
    assert user.organisation.name in register and "1 signed" in register
    pdf = client.get(f"/signatures/{signature.id}/signed-form.pdf")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.get_data().startswith(b"%PDF-")
    pdf.close()
    rows = json.loads(client.get("/code/ai-code/signatories.json").data)["signatures"]
    assert [r["organisation"] for r in rows] == [user.organisation.name]
    assert user.organisation.name in client.get("/code/ai-code/signatories.csv").text
    assert user.organisation.name in client.get("/code/ai-code/signatures.atom").text
    other = code.versions[1].document_id
    filtered = client.get(f"/code/ai-code/signatories?chapter={other}").text
    assert user.organisation.name not in filtered
    organisation_page = client.get(f"/organisations/{user.organisation.id}").text
    assert "AI code</a>" in organisation_page.split("Codes signed")[1]
    # Withdrawal: shown with its reason; the signature is kept.
    login_as("stakeholder", organisation=user.organisation)
    assert (
        client.post(f"/signatures/{signature.id}/withdraw", data={"reason": "x"}).status_code == 403
    )
    user_again = _db.session.get(type(user), user.id)
    from flask import g

    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = user_again.get_id()
    response = client.post(f"/signatures/{signature.id}/withdraw", data={"reason": "Sold."})
    assert response.status_code == 302
    page = client.get("/code/ai-code/signatories").text
    assert "Withdrawn" in page and "Sold." in page and "0 signed" in page
    assert db.session.scalar(select(func.count(Signature.id))) == 1
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"signature.submit", "signature.verify", "signature.withdraw"} <= actions


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<html>not a pdf</html>", "must be a PDF"), (b"%PDF-1.4 garbage", "could not be read")],
)
def test_a_signed_form_that_is_not_a_pdf_is_refused(client, login_as, code, content, message):
    _adopt_all(code)
    login_as("stakeholder", **_rep())
    data = _sign_data(code, pdf=(io.BytesIO(content), "form.pdf"))
    response = client.post("/code/ai-code/sign", data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and message in response.text


def test_only_adopted_chapters_can_be_signed(client, login_as, code):
    login_as("stakeholder", **_rep())
    response = client.post("/code/ai-code/sign", data=_sign_data(code))
    assert response.status_code == 200
    assert "Not a valid choice" in response.text or "adopted" in response.text


@pytest.mark.parametrize("role", ["visitor", "stakeholder", "chair"])
def test_only_admins_verify(client, login_as, code, role):
    _adopt_all(code)
    org = factories.OrganisationFactory(verified_at=utcnow())
    rep = factories.UserFactory(organisation=org, tie__representative=True)
    signature = services.sign_code(code, org, rep, [code.versions[0].document_id], "A", "B", "C")
    login_as(role, group=code.group)
    assert client.post(f"/signatures/{signature.id}/verify").status_code in {302, 403}
    assert _db.session.get(Signature, signature.id).status == "pending"


def _pledging_rep(login_as: Any) -> Any:
    org = factories.OrganisationFactory(verified_at=utcnow(), pact_status="pillar_ii")
    return login_as("stakeholder", **_rep(org))


def test_pledge_report_progress_and_reminders(client, login_as, db):
    pledges.ensure_core_commitments()
    core = pledges.commitments()
    login_as("stakeholder", **_rep())  # not pillar II
    assert client.get("/pact/pledge").status_code == 403
    user = _pledging_rep(login_as)
    response = client.post("/pact/pledge", data={f"text_{core[0].id}": "Only one."})
    assert "Describe the core commitment" in response.text
    assert "Only one.</textarea>" in response.text  # kept on error
    data = {f"text_{c.id}": f"We do {c.title}." for c in core}
    assert client.post("/pact/pledge", data=data).status_code == 302
    page = client.get("/pact/pledges").text
    assert user.organisation.name in page
    admin = factories.UserFactory(is_admin=True)
    round_ = pledges.create_round("First report", utcnow().date() + timedelta(days=6), admin)
    db.session.flush()
    # Reminders: 7 days before, sent once however often the command runs.
    assert pledges.send_reminders()[0] == 1
    assert pledges.send_reminders()[0] == 0
    assert db.session.scalar(select(func.count(ReportReminder.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.to_addr == user.email)
        )
        == 1
    )
    late = utcnow().date() + timedelta(days=8)
    assert pledges.send_reminders(today=late)[0] == 1
    assert [o.pledge.organisation for o in pledges.overdue(late)] == [user.organisation]
    report = {f"status_{c.id}": "in_progress" for c in core} | {
        f"text_{c.id}": "Done" for c in core
    }
    url = f"/pact/rounds/{round_.id}/report"
    bad = client.post(url, data={f"status_{core[0].id}": "bogus", f"text_{core[1].id}": "Kept"})
    assert "Not a valid choice" in bad.text and "Choose a status" in bad.text
    assert "Kept</textarea>" in bad.text
    assert client.post(url, data=report).status_code == 302
    assert pledges.overdue(late) == []
    page = client.get("/pact/pledges").text
    assert '<table class="govuk-table" id="progress">' in page and "In progress" in page
    pledge = pledges.pledge_of(user.organisation)
    assert "First report</a>" in client.get(f"/pact/pledges/{pledge.id}").text
    # Open data: pledges and reports, one record per commitment.
    assert "/pact/pledges.csv" in page and "/pact/reports.json" in page
    pledged = client.get("/pact/pledges.json").get_json()["pledges"]
    assert sorted(r["commitment_key"] for r in pledged) == sorted(c.key for c in core)
    assert all(r["core"] and r["organisation"] == user.organisation.name for r in pledged)
    reported = client.get("/pact/reports.json").get_json()["reports"]
    assert {(r["round"], r["status"], r["text"]) for r in reported} == {
        ("First report", "in_progress", "Done")
    }
    assert reported[0]["report_url"].startswith("http://localhost/pact/reports/")
    csv_text = client.get("/pact/pledges.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == ",".join(pledges.PLEDGE_FIELDS)
    assert len(csv_text.splitlines()) == len(core) + 1


def test_only_admins_set_the_schedule_and_commitments(client, login_as):
    _pledging_rep(login_as)
    assert (
        client.post(
            "/admin/adoption/rounds", data={"title": "R", "due_on": "2027-01-01"}
        ).status_code
        == 403
    )
    assert client.get("/admin/adoption").status_code == 403
    login_as("admin")
    assert (
        client.post(
            "/admin/adoption/rounds", data={"title": "R", "due_on": "2027-01-01"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/admin/adoption/commitments", data={"key": "oversight", "title": "Oversight"}
        ).status_code
        == 302
    )
    assert "Oversight" in client.get("/admin/adoption").text
