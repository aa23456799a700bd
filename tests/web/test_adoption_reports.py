"""After adoption: signatories' chapter reports, withdrawing an adoption, editing pledges,
retiring commitments, and the register at scale (issue 16)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask_babel import refresh
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from consult.adoption import pledges, services, signatory_reports
from consult.adoption.models import (
    Adoption,
    PledgeItem,
    PledgeRevision,
    SignatoryReminder,
    SignatoryReport,
    Signature,
)
from consult.core.models import AuditEvent, OutboxMessage
from consult.db import utcnow
from consult.extensions import db as _db
from tests import factories


@pytest.fixture
def code(db: Any) -> Any:
    """A code of two adopted chapters, the first with two commitments and a measure."""
    admin = factories.UserFactory(is_admin=True)
    group = factories.GroupFactory()
    versions = [
        factories.VersionFactory(
            document=factories.DocumentFactory(group=group),
            status="editing",
            **factories.closed_window(),
        )
        for _ in range(2)
    ]
    commitments = [
        factories.SectionFactory(version=versions[0], kind="commitment", heading=heading)
        for heading in ("Documentation", "Copyright policy")
    ]
    factories.SectionFactory(version=versions[0], kind="measure", heading="A measure")
    factories.SectionFactory(version=versions[1], kind="commitment", heading="Risk framework")
    for version in versions:
        version.status = "published"
    db.session.flush()
    code = services.create_code("ai-code", "AI code", "", [v.document for v in versions], admin)
    for version in versions:
        services.confirm_adoption(services.propose_adoption(version, admin, utcnow().date()), admin)
    db.session.flush()
    code.versions, code.admin, code.group, code.commitments = versions, admin, group, commitments
    return code


def _signed(code: Any, days_ago: int = 40, org: Any = None) -> Signature:
    """A verified signature of both chapters by a new organisation, `days_ago` days old."""
    org = org or factories.OrganisationFactory(verified_at=utcnow())
    rep = factories.UserFactory(organisation=org, tie__representative=True)
    chapters = [v.document_id for v in code.versions]
    signature = services.sign_code(code, org, rep, chapters, "Ada", "CEO", "Director.")
    services.verify_signature(signature, code.admin)
    when = utcnow() - timedelta(days=days_ago)
    _db.session.execute(
        update(Signature).where(Signature.id == signature.id).values(submitted_at=when)
    )
    _db.session.refresh(signature)
    signature.rep = rep
    return signature


def _login_rep(client: Any, login_as: Any, signature: Signature) -> None:
    from flask import g

    login_as("visitor")
    g.pop("_login_user", None)
    with client.session_transaction() as session:
        session["_user_id"] = signature.rep.get_id()
        session["_fresh"] = True


def _url(code: Any, signature: Signature) -> str:
    return f"/signatures/{signature.id}/report/{code.versions[0].document_id}"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("visitor", 302),
        ("stakeholder", 403),
        ("colleague", 403),
        ("other_rep", 403),
        ("chair", 403),
        ("admin", 403),
        ("rep", 200),
    ],
)
def test_only_representatives_of_the_signing_organisation_report(
    client, login_as, code, who, status
):
    services.set_report_schedule(code, 1, code.admin)
    signature = _signed(code)
    if who == "rep":
        _login_rep(client, login_as, signature)
    elif who == "colleague":  # a confirmed member of the signing organisation, not a representative
        login_as("stakeholder", organisation=signature.organisation)
    elif who == "other_rep":
        other = factories.OrganisationFactory(verified_at=utcnow())
        login_as("stakeholder", organisation=other, tie__representative=True)
    else:
        login_as(who, group=code.group)
    assert client.get(_url(code, signature)).status_code == status


def test_admins_set_the_schedule(client, login_as, code):
    login_as("chair", group=code.group)
    assert client.post("/code/ai-code/schedule", data={"report_months": "3"}).status_code == 403
    login_as("admin")
    bad = client.post("/code/ai-code/schedule", data={"report_months": "999"})
    assert bad.status_code == 200 and "from 1 to 60" in bad.text and 'value="999"' in bad.text
    assert client.post("/code/ai-code/schedule", data={"report_months": "3"}).status_code == 302
    assert code.report_months == 3
    assert "every 3 months after signing" in client.get("/code/ai-code/signatories").text
    refresh()  # the tests' requests share one app context, where Flask-Babel keeps the locale
    german = client.get("/code/ai-code/signatories?lang=de").text
    refresh()
    assert "Umsetzungsberichte der Unterzeichner" in german and "alle 3 Monate" in german


def test_a_signatory_reports_on_a_chapter(client, login_as, code, db):
    services.set_report_schedule(code, 1, code.admin)
    signature = _signed(code, days_ago=40)  # the first monthly report was due ten days ago
    name = signature.organisation.name
    register = client.get("/code/ai-code/signatories").text
    overdue = register.split('id="signatory-overdue"')[1].split("</ul>")[0]
    assert name in overdue and code.versions[0].document.title in overdue
    _login_rep(client, login_as, signature)
    form = client.get(_url(code, signature)).text
    assert "Documentation" in form and "Copyright policy" in form and "A measure" not in form
    first, second = (c.provision_id for c in code.commitments)
    # Rejected: a status missing; everything typed is kept and the error is beside the field.
    bad = client.post(
        _url(code, signature),
        data={f"status_{first}": "implemented", f"text_{first}": "Model cards published."},
    )
    assert bad.status_code == 200 and "Choose a status" in bad.text
    assert "Model cards published.</textarea>" in bad.text
    assert f'id="status_{second}-error"' in bad.text
    too_long = client.post(
        _url(code, signature),
        data={f"status_{first}": "implemented", f"status_{second}": "in_progress",
              f"text_{first}": "x" * 2001},
    )  # fmt: skip
    assert (
        too_long.status_code == 200
        and db.session.scalar(select(func.count(SignatoryReport.id))) == 0
    )
    response = client.post(
        _url(code, signature),
        data={
            f"status_{first}": "implemented",
            f"text_{first}": "Model cards published.",
            f"status_{second}": "in_progress",
        },
    )
    assert response.status_code == 302
    report = db.session.scalars(select(SignatoryReport)).one()
    assert report.period == 1 and report.version_id == code.versions[0].id
    # Public once submitted; the register shows it, its progress, and it is no longer overdue.
    login_as("visitor")
    page = client.get(f"/signatory-reports/{report.id}").text
    assert "Model cards published." in page and "Implemented" in page and "In progress" in page
    register = client.get("/code/ai-code/signatories").text
    overdue = register.split('id="signatory-overdue"')[1].split("</ul>")[0]
    assert code.versions[0].document.title not in overdue
    table = register.split('id="signatory-progress-1"')[1].split("</table>")[0]
    assert "Documentation" in table and "<td" in table
    assert f"/signatory-reports/{report.id}" in register
    assert f"/signatory-reports/{report.id}" in client.get(f"/signatures/{signature.id}").text
    assert "signatory_report.submit" in set(db.session.scalars(select(AuditEvent.action)))
    # Open data: every report, one record per commitment, linked from the register.
    assert "/code/ai-code/reports.csv" in register
    records = client.get("/code/ai-code/reports.json").get_json()["reports"]
    assert [(r["commitment"], r["status"], r["text"]) for r in records] == [
        ("Documentation", "implemented", "Model cards published."),
        ("Copyright policy", "in_progress", ""),
    ]
    assert records[0]["organisation"] == name and records[0]["period"] == 1
    assert records[0]["report_url"].endswith(f"/signatory-reports/{report.id}")
    csv_text = client.get("/code/ai-code/reports.csv").get_data(as_text=True)
    assert (
        csv_text.startswith("organisation,organisation_id,chapter") and csv_text.count("\r\n") == 3
    )
    # The next report is period 2, due a month later.
    due = signatory_reports.due_of(signature, code.versions[0].document_id)
    assert due is not None and due.period == 2


def test_no_report_after_a_withdrawal_or_without_a_schedule(client, login_as, code):
    signature = _signed(code)
    _login_rep(client, login_as, signature)
    assert client.get(_url(code, signature)).status_code == 404  # no schedule set
    services.set_report_schedule(code, 1, code.admin)
    services.withdraw_signature(signature, signature.rep, "Sold.")
    assert client.get(_url(code, signature)).status_code == 403


def test_signatory_reminders_30_7_days_and_overdue_once_each(code, db):
    services.set_report_schedule(code, 1, code.admin)
    signature = _signed(code, days_ago=25)
    due = signatory_reports.due_of(signature, code.versions[0].document_id)
    assert due is not None
    reminders, mails = pledges.send_reminders()
    assert (reminders, mails) == (2, 2)  # one per chapter, one representative
    assert pledges.send_reminders() == (0, 0)
    assert pledges.send_reminders(today=due.due_on + timedelta(days=1)) == (2, 2)
    kinds = set(db.session.scalars(select(SignatoryReminder.kind)))
    assert kinds == {"7_days", "overdue"}
    subjects = db.session.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.to_addr == signature.rep.email)
    ).all()
    assert any("is overdue" in s for s in subjects)


@pytest.mark.parametrize(
    ("role", "status"), [("stakeholder", 403), ("moderator", 403), ("chair", 200)]
)
def test_only_chairs_ask_to_withdraw_an_adoption(client, login_as, code, role, status):
    adoption = services.adoption_of(code.versions[0])
    login_as(role, group=code.group)
    assert client.get(f"/adoptions/{adoption.id}/withdraw").status_code == status


def test_withdrawing_an_adoption_made_in_error(client, login_as, code, db):
    version = code.versions[0]
    adoption = services.adoption_of(version)
    login_as("chair", group=code.group)
    url = f"/docs/{version.document.slug}/v{version.number}/"
    assert "Ask to withdraw the adoption" in client.get(url).text
    empty = client.post(f"/adoptions/{adoption.id}/withdraw", data={"reason": ""})
    assert empty.status_code == 200 and "Give the reason" in empty.text
    reason = "The wrong version was put forward."
    assert (
        client.post(f"/adoptions/{adoption.id}/withdraw", data={"reason": reason}).status_code
        == 302
    )
    assert client.post(f"/adoptions/{adoption.id}/withdraw/confirm").status_code == 403
    assert services.code_is_adopted(code)
    login_as("admin")
    assert "Confirm the withdrawal" in client.get("/admin/adoption").text
    assert client.post(f"/adoptions/{adoption.id}/withdraw/confirm").status_code == 302
    assert adoption.is_withdrawn and not services.code_is_adopted(code)
    login_as("visitor")
    page = client.get(url).text
    assert "Adoption withdrawn" in page and reason in page
    assert "was adopted as the final text" not in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"adoption.withdraw_propose", "adoption.withdraw"} <= actions
    assert services.adoption_of(version) is None


def test_a_version_whose_adoption_was_withdrawn_can_be_put_forward_again(
    client, login_as, code, db
):
    """Adopted with the wrong date, withdrawn, adopted again: the withdrawn one stays on record."""
    version = code.versions[0]
    first = services.adoption_of(version)
    services.propose_unadoption(first, code.admin, "Adopted with the wrong date.")
    services.confirm_unadoption(first, code.admin)
    db.session.commit()
    login_as("chair", group=code.group)
    url = f"/docs/{version.document.slug}/v{version.number}/"
    assert "Put this version forward for adoption" in client.get(url).text
    response = client.post(url + "adopt", data={"adopted_on": "2026-11-27", "note": "Right date."})
    assert response.status_code == 302
    again = services.adoption_of(version)
    assert again is not None and again.id != first.id and first.is_withdrawn
    login_as("admin")
    assert client.post(f"/adoptions/{again.id}/confirm").status_code == 302
    assert services.code_is_adopted(code)
    page = client.get(url).text
    assert "Adoption withdrawn" in page and "Adopted with the wrong date." in page
    assert "was adopted as the final text on 27 November 2026" in page
    # Never two live adoptions of one version, whatever writes them.
    with pytest.raises(services.AdoptionError, match="already been put forward"):
        services.propose_adoption(version, code.admin, utcnow().date())
    db.session.add(
        Adoption(version_id=version.id, document_id=version.document_id, adopted_on=utcnow().date())
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def _pledging_rep(login_as: Any) -> Any:
    org = factories.OrganisationFactory(verified_at=utcnow(), pact_status="pillar_ii")
    return login_as("stakeholder", organisation=org, tie__representative=True)


def test_editing_a_pledge_keeps_its_history(client, login_as, db):
    pledges.ensure_core_commitments()
    admin = factories.UserFactory(is_admin=True)
    extra = pledges.add_commitment("oversight", "Human oversight", admin)
    core = [c for c in pledges.commitments() if c.is_core]
    user = _pledging_rep(login_as)
    data = {f"text_{c.id}": f"We do {c.title}." for c in core} | {f"text_{extra.id}": "Yes."}
    assert client.post("/pact/pledge", data=data).status_code == 302
    pledge = pledges.pledge_of(user.organisation)
    form = client.get("/pact/pledge").text
    assert "Save the changes" in form and "We do" in form
    changed = data | {f"text_{core[0].id}": "We do more.", f"text_{extra.id}": ""}
    assert client.post("/pact/pledge", data=changed).status_code == 302
    db.session.refresh(pledge)
    assert {i.commitment_id: i.text for i in pledge.items}[core[0].id] == "We do more."
    assert extra.id not in {i.commitment_id for i in pledge.items}
    ended = db.session.scalars(select(PledgeItem).where(PledgeItem.ended_at.is_not(None))).one()
    assert ended.text == "Yes."  # nothing erased
    assert db.session.scalar(select(func.count(PledgeRevision.id))) == 2
    assert pledges.pledge_counts().get(extra.id, 0) == 0
    page = client.get(f"/pact/pledges/{pledge.id}").text
    assert "We do more." in page and "Revision 2" in page and "Human oversight, ended on" in page
    assert "pledge.edit" in set(db.session.scalars(select(AuditEvent.action)))


def test_retiring_a_commitment(client, login_as, db):
    pledges.ensure_core_commitments()
    admin = factories.UserFactory(is_admin=True)
    extra = pledges.add_commitment("oversight", "Human oversight", admin)
    core = [c for c in pledges.commitments() if c.is_core]
    org = factories.OrganisationFactory(verified_at=utcnow(), pact_status="pillar_ii")
    rep = factories.UserFactory(organisation=org, tie__representative=True)
    texts = {c.id: "Yes." for c in core} | {extra.id: "Oversight."}
    pledge = pledges.publish_pledge(org, rep, texts)
    _pledging_rep(login_as)
    url = f"/admin/adoption/commitments/{extra.id}/retire"
    assert client.post(url).status_code == 403
    login_as("admin")
    assert client.post(url).status_code == 302
    assert extra.retired_at is not None
    assert client.post(f"/admin/adoption/commitments/{core[0].id}/retire").status_code == 302
    assert core[0].retired_at is None  # a core commitment cannot be retired
    _pledging_rep(login_as)
    assert "Human oversight" not in client.get("/pact/pledge").text  # not offered any more
    assert "Human oversight" in client.get(f"/pact/pledges/{pledge.id}").text  # kept
    assert "commitment.retire" in set(db.session.scalars(select(AuditEvent.action)))


def _many_signatories(code: Any, n: int) -> None:
    chapters = [v.document_id for v in code.versions]
    for _ in range(n):
        org = factories.OrganisationFactory(verified_at=utcnow())
        signature = services.sign_code(code, org, code.admin, chapters, "A", "B", "C")
        services.verify_signature(signature, code.admin)
    _db.session.flush()


def test_the_register_paginates_with_a_bounded_number_of_queries(client, code, count_queries):
    services.set_report_schedule(code, 1, code.admin)
    _many_signatories(code, 5)
    client.get("/code/ai-code/signatories")
    with count_queries() as few:
        assert client.get("/code/ai-code/signatories").status_code == 200
    _many_signatories(code, 55)
    with count_queries() as many:
        page = client.get("/code/ai-code/signatories?category=industry").text
    assert many.count == few.count <= 25  # 21 today, with 5 or 60 organisations
    assert "60 organisation(s)" in page and "Page 1 of 2" in page
    assert "category=industry" in page.split('rel="next"')[0].rsplit("href=", 1)[1]
    second = client.get("/code/ai-code/signatories?category=industry&page=2").text
    row = '<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/organisations/'
    assert second.count(row) == 10
    assert "60 signed" in second


def test_the_pledges_list_paginates(client, db, count_queries):
    pledges.ensure_core_commitments()
    core = pledges.commitments()

    def pledge(n: int) -> None:
        for _ in range(n):
            org = factories.OrganisationFactory(verified_at=utcnow(), pact_status="pillar_ii")
            rep = factories.UserFactory(organisation=org)
            pledges.publish_pledge(org, rep, {c.id: "Yes." for c in core})

    pledge(3)
    db.session.flush()
    client.get("/pact/pledges")
    with count_queries() as few:
        client.get("/pact/pledges")
    pledge(52)
    db.session.flush()
    with count_queries() as many:
        page = client.get("/pact/pledges").text
    assert many.count == few.count
    assert "Page 1 of 2" in page and "55 in all" in page
    assert client.get("/pact/pledges?page=2").text.count('href="/pact/pledges/') == 5
