"""Organisation pages, AI Pact declaration by representatives, verification by admins, badges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import render_template_string
from sqlalchemy import select

from consult.core.models import AuditEvent
from consult.db import utcnow
from tests.conftest import ROLES
from tests.factories import OrganisationFactory, UserFactory

PILLAR_II = {
    "status": "pillar_ii",
    "pledge_date": "2025-03-01",
    "core_pledges": ["governance", "high_risk_mapping", "literacy"],
    "optional_pledges": ["human_oversight"],
}


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_organisation_page(client, db):
    organisation = OrganisationFactory(
        name="Lumen AI", country="FR", transparency_register_id="123456789-12",
        pact_status="pillar_ii", pact_pledge_date=date(2025, 1, 20),
        pact_pledges=["governance", "high_risk_mapping", "literacy"],
        pact_verified_at=utcnow(),
    )  # fmt: skip
    UserFactory.create_batch(3, organisation=organisation)
    UserFactory(organisation=organisation, is_disabled=True)
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Lumen AI</h1>' in page
    assert "France" in page and "123456789-12" in page and "Industry" in page
    assert "AI Pact · pillar II" in page and "not yet verified" not in page
    assert "AI literacy and awareness" in page and "20 January 2025" in page
    assert '<dd class="govuk-summary-list__value">3</dd>' in page
    assert client.get("/organisations/99999").status_code == 404


def test_declared_status_is_shown_as_not_verified(client, db):
    organisation = OrganisationFactory(pact_status="pillar_i")
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "AI Pact · pillar I · declared, not yet verified" in page


@pytest.mark.parametrize("role", ROLES)
def test_pact_declaration_permissions(client, login_as, role):
    organisation = OrganisationFactory()
    # other_chair: a chair of some group, from another organisation.
    # Members of the organisation (in every group role) who are not its representatives.
    login_as(role, **({} if role in {"visitor", "other_chair"} else {"organisation": organisation}))
    response = client.get(f"/organisations/{organisation.id}/pact")
    if role == "visitor":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_stakeholder_of_another_organisation_may_not_declare(client, login_as):
    organisation = OrganisationFactory()
    login_as("stakeholder")
    assert client.get(f"/organisations/{organisation.id}/pact").status_code == 403
    response = client.post(f"/organisations/{organisation.id}/pact", data={"status": "pillar_i"})
    assert response.status_code == 403
    assert organisation.pact_status == "none"


def test_representative_declares_pillar_ii_then_admin_verifies(app, client, login_as, db):
    organisation = OrganisationFactory(pact_status="pillar_i")
    member = login_as("stakeholder", organisation=organisation, tie__representative=True)
    response = client.post(f"/organisations/{organisation.id}/pact", data=PILLAR_II)
    assert response.status_code == 302
    assert organisation.pact_status == "pillar_ii"
    assert organisation.pact_pledge_date == date(2025, 3, 1)
    assert organisation.pact_pledges == [
        "governance", "high_risk_mapping", "literacy", "human_oversight",
    ]  # fmt: skip
    assert organisation.pact_verified_at is None  # a new declaration needs a check
    [declared] = events(db, "organisation.pact_declare")
    assert declared.actor_id == member.id
    assert declared.data["before"]["status"] == "pillar_i"
    assert declared.data["after"]["status"] == "pillar_ii"
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "declared, not yet verified" in page

    admin = login_as("admin")
    response = client.post(f"/admin/organisations/{organisation.id}/verify-pact")
    assert response.status_code == 302
    assert organisation.pact_verified_at is not None
    assert organisation.pact_verified_by_id == admin.id
    [verified] = events(db, "organisation.pact_verify")
    assert verified.data["before"]["verified_at"] is None
    assert verified.data["after"]["verified_at"] is not None
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "AI Pact · pillar II" in page and "declared, not yet verified" not in page

    client.post(f"/admin/organisations/{organisation.id}/revoke-pact")
    assert organisation.pact_verified_at is None
    assert len(events(db, "organisation.pact_revoke")) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pledge_date": ""}, "pledge_date", "Enter the date of the pledge."),
        (
            {"pledge_date": (date.today() + timedelta(days=5)).isoformat()},
            "pledge_date",
            "today or in the past",
        ),
        ({"core_pledges": ["governance"]}, "core_pledges", "all three core pledges"),
        ({"pledge_date": "31/02/2025"}, "pledge_date", "Not a valid date value."),
    ],
)
def test_pillar_ii_declaration_errors(client, login_as, db, changes, field, message):
    organisation = OrganisationFactory()
    login_as("stakeholder", organisation=organisation, tie__representative=True)
    response = client.post(f"/organisations/{organisation.id}/pact", data={**PILLAR_II, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page.split(f'id="{field}-error"')[1][:300]
    assert 'value="human_oversight" checked' in page or "checked" in page
    assert organisation.pact_status == "none"
    assert events(db, "organisation.pact_declare") == []


def test_pillar_i_and_none_clear_the_pledges(client, login_as):
    organisation = OrganisationFactory(
        pact_status="pillar_ii", pact_pledge_date=date(2025, 1, 1), pact_pledges=["governance"]
    )
    login_as("stakeholder", organisation=organisation, tie__representative=True)
    client.post(f"/organisations/{organisation.id}/pact", data={**PILLAR_II, "status": "pillar_i"})
    assert organisation.pact_status == "pillar_i"
    assert organisation.pact_pledges == [] and organisation.pact_pledge_date is None


def test_admin_cannot_verify_a_non_signatory(client, login_as, db):
    organisation = OrganisationFactory()
    login_as("admin")
    response = client.post(
        f"/admin/organisations/{organisation.id}/verify-pact", follow_redirects=True
    )
    assert "has not declared any AI Pact status" in response.get_data(as_text=True)
    assert organisation.pact_verified_at is None
    assert events(db, "organisation.pact_verify") == []


MACROS = """{% from "_macros/people.html" import pact_badge, author_line %}"""


@pytest.mark.parametrize(
    ("source", "expected", "absent"),
    [
        ("{{ pact_badge('pillar_ii') }}", "AI Pact · pillar II", "not yet verified"),
        ("{{ pact_badge('pillar_i', verified=False) }}", "pillar I · declared, not yet", "green"),
        ("{{ pact_badge('none') }}", "", "AI Pact"),
        ("{{ pact_badge(None) }}", "", "AI Pact"),
        (
            "{{ author_line('Ada', 'Lumen AI', 'Industry', 'pillar_ii', 'vice_chair') }}",
            "Vice-chair",
            "not yet verified",
        ),
        (
            "{{ author_line('Ada', '', None, 'none', None) }}",
            '<strong class="consult-author__name">Ada</strong>',
            "govuk-tag",
        ),
    ],
)
def test_people_macros(app, db, source, expected, absent):
    with app.test_request_context():
        html = render_template_string(MACROS + source)
    assert expected in html and absent not in html


def test_pact_badge_from_an_organisation(app, db):
    verified = OrganisationFactory(pact_status="pillar_ii", pact_verified_at=utcnow())
    declared = OrganisationFactory(pact_status="pillar_ii")
    with app.test_request_context():
        one = render_template_string(MACROS + "{{ pact_badge(o) }}", o=verified)
        two = render_template_string(MACROS + "{{ pact_badge(o) }}", o=declared)
    assert "govuk-tag--green" in one and "not yet verified" not in one
    assert "declared, not yet verified" in two
