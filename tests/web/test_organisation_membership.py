"""Organisation membership is verified, never self-declared (issue 11, part 1)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.accounts.affiliation import speaking_for
from consult.accounts.models import OrganisationMembership, PactChangeRequest, User
from consult.comments import services as comment_services
from consult.core.models import AuditEvent, OutboxMessage
from consult.core.permissions import can_represent
from consult.db import utcnow
from consult.groups.queries import is_eligible
from tests.factories import GroupFactory, OrganisationFactory, UserFactory, category
from tests.web.test_accounts import signup_data
from tests.web.test_comments_support import published_section

PILLAR_I = {"status": "pillar_i"}


def pact_company(**fields):
    return OrganisationFactory(
        name="Northwind Models",
        pact_status="pillar_ii",
        pact_pledges=["governance", "high_risk_mapping", "literacy"],
        pact_verified_at=utcnow(),
        verified_at=utcnow(),
        **fields,
    )


def actions(db, prefix):
    return [
        e.action
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
        )
    ]


def mails_to(db, address):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == address)).all()


def _sign_up_for(client, db, organisation, email="mallory@example.org"):
    client.post(
        "/signup",
        data=signup_data(
            email=email,
            affiliation="existing",
            organisation_id=str(organisation.id),
            own_category=str(category("civil-society").id),
        ),
    )
    user = db.session.scalars(select(User).where(User.email == email)).one()
    link = re.search(r"http://\S+/verify/\S+", mails_to(db, email)[0].body_text).group(0)
    client.get(link.split("localhost", 1)[-1])
    return user


def test_fresh_account_picking_a_pact_company_gets_nothing_until_confirmed(app, client, db):
    company = pact_company()
    rep = UserFactory(organisation=company, tie__representative=True)
    user = _sign_up_for(client, db, company)
    assert user.is_verified and user.organisation_tie.status == "pending"

    speaks = speaking_for(user)
    assert speaks.organisation is None and speaks.pact_status == "none"
    assert speaks.category.slug == "civil-society"  # their own, not the company's industry
    assert user.category.slug == "civil-society"
    assert not is_eligible(user, GroupFactory(admission_rule="pact"))
    with app.test_request_context():
        comment = comment_services.create_comment(published_section(), user=user, body="Mine.")
    assert comment.organisation_id is None and comment.pact_status == "none"
    assert comment.organisation_name == "Individual (affiliation not confirmed)"
    assert comment.category.slug == "civil-society"
    # The representative is told (after the address was confirmed), and decides.
    assert any("says they belong" in m.subject for m in mails_to(db, rep.email))


def test_pending_member_cannot_redeclare_the_pact(client, db, login_as):
    company = pact_company()
    login_as("stakeholder", organisation=company, tie="pending")
    assert client.get(f"/organisations/{company.id}/pact").status_code == 403
    assert client.post(f"/organisations/{company.id}/pact", data=PILLAR_I).status_code == 403
    assert company.pact_status == "pillar_ii" and company.pact_verified


def test_confirmed_member_who_is_not_representative_cannot_redeclare(client, db, login_as):
    company = pact_company()
    login_as("stakeholder", organisation=company)
    assert client.post(f"/organisations/{company.id}/pact", data=PILLAR_I).status_code == 403
    assert company.pact_verified


def test_change_of_a_verified_declaration_is_a_request_that_keeps_verification(
    client, db, login_as
):
    company = pact_company()
    rep = login_as("stakeholder", organisation=company, tie__representative=True)
    response = client.post(f"/organisations/{company.id}/pact", data=PILLAR_I)
    assert response.status_code == 302
    assert company.pact_status == "pillar_ii" and company.pact_verified  # untouched
    [request] = db.session.scalars(select(PactChangeRequest)).all()
    assert request.pact_status == "pillar_i" and request.status == "pending"
    assert request.requested_by_id == rep.id
    assert "organisation.pact_change_request" in actions(db, "organisation.pact")
    page = client.get(f"/organisations/{company.id}").get_data(as_text=True)
    assert "waiting for an administrator" in page

    admin = login_as("admin")
    assert f"/admin/pact-changes/{request.id}/approve" in client.get(
        f"/admin/organisations/{company.id}"
    ).get_data(as_text=True)
    client.post(f"/admin/pact-changes/{request.id}/approve")
    assert request.status == "approved" and request.decided_by_id == admin.id
    assert company.pact_status == "pillar_i" and company.pact_verified
    assert any("approved" in m.subject for m in mails_to(db, rep.email))


def test_declined_change_leaves_the_declaration(client, db, login_as):
    company = pact_company()
    login_as("stakeholder", organisation=company, tie__representative=True)
    client.post(f"/organisations/{company.id}/pact", data=PILLAR_I)
    [request] = db.session.scalars(select(PactChangeRequest)).all()
    login_as("admin")
    client.post(f"/admin/pact-changes/{request.id}/decline")
    assert request.status == "declined"
    assert company.pact_status == "pillar_ii" and company.pact_verified


def test_representative_confirms_pending_member_then_they_speak_for_it(client, db, login_as):
    company = pact_company()
    pending = UserFactory(organisation=company, tie="pending")
    tie = pending.organisation_tie
    rep = login_as("stakeholder", organisation=company, tie__representative=True)
    page = client.get(f"/organisations/{company.id}").get_data(as_text=True)
    assert pending.email in page and f"/organisation-members/{tie.id}/confirm" in page
    assert client.post(f"/organisation-members/{tie.id}/confirm").status_code == 302
    db.session.expire(pending, ["organisation_tie"])
    assert tie.status == "confirmed" and tie.confirmed_via == "representative"
    assert tie.decided_by_id == rep.id
    speaks = speaking_for(pending)
    assert speaks.organisation == company and speaks.pact_status == "pillar_ii"
    assert "organisation.member_confirm" in actions(db, "organisation.member")
    assert any("You now speak for" in m.subject for m in mails_to(db, pending.email))


def test_declined_member_becomes_an_individual(client, db, login_as):
    company = pact_company()
    pending = UserFactory(organisation=company, tie="pending")
    tie = pending.organisation_tie
    login_as("stakeholder", organisation=company, tie__representative=True)
    client.post(f"/organisation-members/{tie.id}/decline")
    assert tie.status == "removed" and pending.organisation is None
    assert speaking_for(pending).label == "Independent expert"
    assert any("was not confirmed" in m.subject for m in mails_to(db, pending.email))


def test_verified_domain_confirms_at_address_verification(client, db):
    company = pact_company()
    UserFactory(organisation=company, tie__representative=True)
    db.session.add_all([])
    from consult.accounts.models import OrganisationDomain

    db.session.add(OrganisationDomain(organisation_id=company.id, domain="northwind.example"))
    db.session.flush()
    user = _sign_up_for(client, db, company, email="ada@northwind.example")
    db.session.expire(user, ["organisation_tie"])
    assert user.organisation_tie.status == "confirmed"
    assert user.organisation_tie.confirmed_via == "domain"
    assert speaking_for(user).organisation == company


def test_representative_may_add_only_their_own_domain(client, db, login_as):
    company = pact_company()
    login_as(
        "stakeholder", organisation=company, tie__representative=True, email="r@northwind.example"
    )
    client.post(f"/organisations/{company.id}/domains", data={"domain": "gmail.com"})
    client.post(f"/organisations/{company.id}/domains", data={"domain": "other.example"})
    client.post(f"/organisations/{company.id}/domains", data={"domain": "northwind.example"})
    from consult.accounts.organisations import domains_of

    assert [d.domain for d in domains_of(company)] == ["northwind.example"]


def test_new_organisation_makes_a_provisional_representative(client, db, login_as):
    client.post("/signup", data=signup_data(email="founder@example.org"))
    user = db.session.scalars(select(User).where(User.email == "founder@example.org")).one()
    tie = user.organisation_tie
    assert tie.status == "confirmed" and tie.is_representative
    assert user.organisation.verified_at is None
    page = client.get(f"/organisations/{user.organisation.id}").get_data(as_text=True)
    assert "(provisional)" in page
    login_as("admin")
    client.post(f"/admin/organisations/{user.organisation.id}/verify")
    assert user.organisation.verified_at is not None
    assert "organisation.verify" in actions(db, "organisation.verify")


def test_last_representative_cannot_step_down(client, db, login_as):
    company = pact_company()
    rep = login_as("stakeholder", organisation=company, tie__representative=True)
    client.post(f"/organisation-members/{rep.organisation_tie.id}/representative/remove")
    assert rep.organisation_tie.is_representative


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("visitor", False),
        ("pending", False),
        ("member", False),
        ("representative", True),
        ("other_representative", False),
        ("admin", True),
    ],
)
def test_can_represent_per_role(client, db, login_as, who, allowed):
    company = pact_company()
    pending = UserFactory(organisation=company, tie="pending")
    tie = db.session.scalars(
        select(OrganisationMembership).where(OrganisationMembership.user_id == pending.id)
    ).one()
    fields = {
        "visitor": ("visitor", {}),
        "pending": ("stakeholder", {"organisation": company, "tie": "pending"}),
        "member": ("stakeholder", {"organisation": company}),
        "representative": ("stakeholder", {"organisation": company, "tie__representative": True}),
        "other_representative": ("stakeholder", {"tie__representative": True}),
        "admin": ("admin", {}),
    }[who]
    user = login_as(fields[0], **fields[1])
    assert can_represent(user, company) is allowed
    edit = client.get(f"/organisations/{company.id}/edit")
    decide = client.post(f"/organisation-members/{tie.id}/confirm")
    if allowed:
        assert edit.status_code == 200 and decide.status_code == 302
        assert tie.status == "confirmed"
    else:
        expected = 302 if who == "visitor" else 403
        assert edit.status_code == expected and decide.status_code == expected
        assert tie.status == "pending"


def test_person_page_shows_about_text_only_when_listed(client, db, login_as):
    person = UserFactory(bio="I study **evaluations**.", listed_publicly=False)
    assert client.get(f"/people/{person.id}").status_code == 404
    person.listed_publicly = True
    db.session.flush()
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "<strong>evaluations</strong>" in page and person.display_name in page
    assert person.organisation.name in page
    assert client.get("/people/99999").status_code == 404


def test_profile_lists_me_publicly(client, db, login_as):
    user = login_as("stakeholder")
    response = client.post(
        "/me/profile",
        data={
            "display_name": "Ana",
            "bio": "Hello",
            "notify_mode": "immediate",
            "listed_publicly": "y",
            "own_category": str(category("academia").id),
        },
    )
    assert response.status_code == 302
    assert user.listed_publicly and user.independent_category.slug == "academia"
    assert client.get(f"/people/{user.id}").status_code == 200
