"""The accounts part of the demo data: the context contract, fixed logins, AI Pact variety."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from consult.accounts import demo, services
from consult.accounts.models import Organisation, User
from consult.core.models import AuditEvent


def test_demo_accounts(db):
    assert not demo.is_loaded()
    context: dict = {}
    demo.load(context)
    assert demo.is_loaded()

    admin = context["admin"]
    assert admin.is_admin and admin.is_verified and admin.email == "admin@consult.example"
    assert services.authenticate("admin@consult.example", demo.DEMO_PASSWORD) is admin
    assert services.authenticate("ana.industry@consult.example", demo.DEMO_PASSWORD) is not None

    organisations = context["organisations"]
    assert len(organisations) == 25
    by_category = Counter(o.category.slug for o in organisations)
    assert set(by_category) == {"industry", "sme", "academia", "civil-society", "open-source"}
    assert len({o.country for o in organisations}) >= 10
    assert sum(1 for o in organisations if o.transparency_register_id) >= 8
    verified = Counter(o.pact_status for o in organisations if o.pact_verified)
    assert verified["pillar_i"] >= 2 and verified["pillar_ii"] >= 2
    declared = [o for o in organisations if o.pact_declared_unverified]
    assert len(declared) == 1 and declared[0].pact_status == "pillar_ii"
    pillar_ii = [o for o in organisations if o.pact_status == "pillar_ii"]
    assert all(
        o.pact_pledge_date and {"governance", "literacy"} <= set(o.pact_pledges) for o in pillar_ii
    )

    stakeholders = context["stakeholders"]
    assert len(stakeholders) == 40
    assert all(u.is_verified and u.category is not None for u in stakeholders)
    assert Counter(u.category.slug for u in stakeholders) == {
        "industry": 8, "sme": 8, "academia": 8, "civil-society": 8, "open-source": 8,
    }  # fmt: skip
    pact_members = {
        u.organisation.pact_status
        for u in stakeholders
        if u.organisation and u.organisation.pact_verified
    }
    assert pact_members == {"pillar_i", "pillar_ii"}
    assert any(u.organisation is None for u in stakeholders)  # independent experts

    staff = context["staff"]
    slugs = ("transparency-copyright", "risk-assessment", "technical-mitigation", "governance")
    expected = {f"{role}-{slug}" for slug in slugs for role in ("chair", "vice-chair")}
    assert set(staff) == expected | {"moderator-1", "moderator-2"}
    assert staff["chair-governance"].email == "chair-governance@consult.example"
    assert all(u.is_verified and not u.is_admin for u in staff.values())

    unverified = db.session.scalars(select(User).where(User.email_verified_at.is_(None))).all()
    assert [u.email for u in unverified] == ["rui.unverified@consult.example"]
    emails = db.session.scalars(select(User.email)).all()
    assert len(emails) == len(set(emails)) == 1 + 40 + 10 + 1 + 1  # + a pending member
    assert db.session.scalar(select(func.count(Organisation.id))) == 25
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "organisation.pact_verify")
    ) == sum(1 for o in organisations if o.pact_verified)
