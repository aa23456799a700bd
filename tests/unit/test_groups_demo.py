"""Groups demo data: the four groups, staff, members and observers, requests of every kind."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from consult.core import permissions
from consult.core.models import AuditEvent
from consult.db import utcnow
from consult.extensions import db as _db
from consult.groups import demo
from consult.groups.models import Membership
from tests import factories

CATEGORIES = ("industry", "sme", "academia", "civil-society", "open-source")
SLUGS = ("transparency-copyright", "risk-assessment", "technical-mitigation", "governance")


def build_context() -> dict:
    stakeholders = []
    for index in range(40):
        if index % 4 == 0:
            pact = {"pact_status": "pillar_ii", "pact_verified_at": utcnow()}
        elif index % 4 == 1:
            pact = {"pact_status": "pillar_i", "pact_verified_at": utcnow()}
        elif index % 8 == 2:
            pact = {"pact_status": "pillar_ii", "pact_verified_at": None}  # declared only
        else:
            pact = {}
        organisation = factories.OrganisationFactory(
            category=factories.category(CATEGORIES[index % 5]), **pact
        )
        stakeholders.append(factories.UserFactory(organisation=organisation))
    staff = {}
    for slug in SLUGS:
        staff[f"chair-{slug}"] = factories.UserFactory(organisation=None)
        staff[f"vice-chair-{slug}"] = factories.UserFactory(organisation=None)
    staff["moderator-1"] = factories.UserFactory(organisation=None)
    staff["moderator-2"] = factories.UserFactory(organisation=None)
    return {
        "admin": factories.UserFactory(is_admin=True),
        "staff": staff,
        "stakeholders": stakeholders,
    }


def test_demo_groups_memberships_and_requests(db):
    context = build_context()
    demo.load(context)
    groups = context["groups"]
    assert set(groups) == set(SLUGS)
    staff = context["staff"]
    for slug, group in groups.items():
        assert permissions.group_role(staff[f"chair-{slug}"], group.id) == "chair"
        assert permissions.group_role(staff[f"vice-chair-{slug}"], group.id) == "vice_chair"
        assert len(group.mandate) > 300
    assert permissions.group_role(staff["moderator-1"], groups["transparency-copyright"].id) == (
        "moderator"
    )
    assert permissions.group_role(staff["moderator-2"], groups["risk-assessment"].id) == (
        "moderator"
    )

    rows = _db.session.scalars(select(Membership)).all()
    statuses = Counter((m.group_id, m.status) for m in rows)
    roles = Counter((m.group_id, m.role) for m in rows if m.status == "approved")
    for group in groups.values():
        assert statuses[(group.id, "requested")] >= 3
        assert statuses[(group.id, "declined")] == 1
        assert statuses[(group.id, "left")] == 1
        assert roles[(group.id, "member")] >= 5
    pact_group = groups["transparency-copyright"]
    assert roles[(pact_group.id, "observer")] >= 3
    assert roles[(groups["technical-mitigation"].id, "observer")] == 0  # open admission

    # Nobody is a member of a pact group without a verified AI Pact organisation.
    for membership in rows:
        if membership.group.admission_rule == "pact" and membership.role == "member":
            assert membership.user.organisation.pact_verified

    pending = [m for m in rows if m.status == "requested"]
    assert any(m.user.organisation.pact_status == "pillar_ii" for m in pending)
    assert any(
        m.group_id == pact_group.id and not m.user.organisation.pact_verified for m in pending
    )
    declined = [m for m in rows if m.status == "declined"]
    assert all(m.decision_reason for m in declined)
    assert {"membership.request", "membership.decline", "membership.leave"} <= set(
        _db.session.scalars(select(AuditEvent.action))
    )
    members_of_categories = {
        m.user.category.slug for m in rows if m.status == "approved" and m.user.organisation
    }
    assert members_of_categories == set(CATEGORIES)
