"""The admin area: permission matrix, users, organisations, categories and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import g
from sqlalchemy import select

from consult.accounts.models import StakeholderCategory
from consult.core import audit
from consult.core.models import AuditEvent
from consult.db import utcnow
from tests.conftest import ROLES
from tests.factories import OrganisationFactory, UserFactory, category

GET_URLS = [
    "/admin/",
    "/admin/users",
    "/admin/users?q=a",
    "/admin/users/{user}",
    "/admin/organisations",
    "/admin/organisations?pact=pillar_ii&verified=no",
    "/admin/organisations/{org}",
    "/admin/categories",
    "/admin/audit",
    "/admin/audit?action=user.",
]
POST_URLS = [
    "/admin/users/{user}/grant-admin",
    "/admin/users/{user}/revoke-admin",
    "/admin/users/{user}/disable",
    "/admin/users/{user}/enable",
    "/admin/organisations/{org}",
    "/admin/organisations/{org}/verify-pact",
    "/admin/organisations/{org}/revoke-pact",
    "/admin/categories",
    "/admin/categories/{cat}/rename",
    "/admin/categories/{cat}/retire",
    "/admin/categories/{cat}/unretire",
]


def measured(client, count_queries, url):
    # Requests share the test's app context: forget the cached user so each one loads it.
    g.pop("_login_user", None)
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def targets(db):
    organisation = OrganisationFactory(pact_status="pillar_i")
    user = UserFactory(organisation=organisation)
    return {"user": user.id, "org": organisation.id, "cat": category("academia").id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", GET_URLS)
def test_admin_pages_permission_matrix(client, login_as, targets, role, url):
    login_as(role)
    response = client.get(url.format(**targets))
    if role == "visitor":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role == "admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
@pytest.mark.parametrize("url", POST_URLS)
def test_admin_actions_refused_to_non_admins(client, login_as, targets, db, role, url):
    login_as(role)
    before = len(db.session.scalars(select(AuditEvent)).all())
    response = client.post(url.format(**targets), data={"name": "Renamed"})
    assert response.status_code == (302 if role == "visitor" else 403)
    assert len(db.session.scalars(select(AuditEvent)).all()) == before
    assert category("academia").name == "Academia"


def test_admin_link_in_header_only_for_admins(client, login_as):
    login_as("chair")
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)
    login_as("admin")
    assert 'href="/admin/"' in client.get("/").get_data(as_text=True)


def test_unknown_ids_are_404_for_admins(client, login_as):
    login_as("admin")
    assert client.get("/admin/users/999999").status_code == 404
    assert client.get("/admin/organisations/999999").status_code == 404
    assert client.post("/admin/categories/999999/retire").status_code == 404


# -- users --------------------------------------------------------------------------------


def test_user_search_and_pagination(app, client, login_as, monkeypatch):
    login_as("admin", display_name="Root Admin", email="root@example.org")
    UserFactory(display_name="Marta Dvořáková", email="marta@vision.example")
    UserFactory(display_name="Somebody Else", email="someone@other.example")
    UserFactory.create_batch(6, display_name="Filler")
    page = client.get("/admin/users?q=MARTA").get_data(as_text=True)
    assert "Marta Dvořáková" in page and "Somebody Else" not in page
    page = client.get("/admin/users?q=vision.example").get_data(as_text=True)
    assert "Marta Dvořáková" in page and "1 user matching" in page
    assert "No users match “100%_”" in client.get("/admin/users?q=100%25_").get_data(as_text=True)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 4)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 3 (9 in all)" in first and 'rel="next"' in first
    last = client.get("/admin/users?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in last and 'rel="next"' not in last


def test_users_list_query_count_does_not_grow(client, login_as, count_queries):
    login_as("admin")
    UserFactory.create_batch(2)
    small = measured(client, count_queries, "/admin/users")
    UserFactory.create_batch(25)
    assert measured(client, count_queries, "/admin/users") == small


def test_grant_and_revoke_admin_are_audited(client, login_as, db):
    admin = login_as("admin")
    user = UserFactory()
    client.post(f"/admin/users/{user.id}/grant-admin")
    assert user.is_admin
    client.post(f"/admin/users/{user.id}/revoke-admin")
    assert not user.is_admin
    [granted] = events(db, "user.grant_admin")
    [revoked] = events(db, "user.revoke_admin")
    assert granted.actor_id == revoked.actor_id == admin.id
    assert granted.object_id == revoked.object_id == user.id


def test_admin_cannot_revoke_or_disable_themselves(client, login_as, db):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}/revoke-admin", follow_redirects=True)
    assert "You cannot remove your own administrator role." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert "You cannot disable your own account." in response.get_data(as_text=True)
    assert admin.is_admin and not admin.is_disabled
    assert events(db, "user.revoke_admin") == [] and events(db, "user.disable") == []


def test_disable_and_enable_are_audited(client, login_as, db):
    login_as("admin")
    user = UserFactory()
    client.post(f"/admin/users/{user.id}/disable")
    assert user.is_disabled
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Enable account" in page and "user.disable" in page
    client.post(f"/admin/users/{user.id}/enable")
    assert not user.is_disabled
    assert len(events(db, "user.disable")) == len(events(db, "user.enable")) == 1


# -- organisations ------------------------------------------------------------------------


def test_organisation_filters(client, login_as):
    login_as("admin")
    OrganisationFactory(name="Alpha Industry", pact_status="pillar_ii", pact_verified_at=utcnow())
    OrganisationFactory(name="Beta Declared", pact_status="pillar_ii")
    OrganisationFactory(name="Gamma Academy", category=category("academia"), country="AT")
    OrganisationFactory(name="Delta Registered", transparency_register_id="987654321-00")

    def names(query):
        page = client.get(f"/admin/organisations?{query}").get_data(as_text=True)
        return {n for n in ("Alpha", "Beta", "Gamma", "Delta") if f"{n} " in page}

    assert names("") >= {"Alpha", "Beta", "Gamma", "Delta"}
    assert names("q=gamma") == {"Gamma"}
    assert names("q=987654321") == {"Delta"}
    assert names(f"category={category('academia').id}") == {"Gamma"}
    assert names("pact=pillar_ii") == {"Alpha", "Beta"}
    assert names("verified=yes") == {"Alpha"}
    assert names("verified=no") == {"Beta"}


def test_organisations_list_query_count_does_not_grow(client, login_as, count_queries):
    login_as("admin")
    for _ in range(2):
        UserFactory()
    small = measured(client, count_queries, "/admin/organisations")
    for _ in range(20):
        UserFactory(organisation=OrganisationFactory(category=category("sme")))
    assert measured(client, count_queries, "/admin/organisations") == small
    assert "SMEs" in client.get("/admin/organisations").get_data(as_text=True)


def test_edit_organisation_is_audited(client, login_as, db):
    login_as("admin")
    organisation = OrganisationFactory(name="Old Name", country="BE")
    page = client.get(f"/admin/organisations/{organisation.id}").get_data(as_text=True)
    assert 'value="Old Name"' in page and '<option selected value="BE">' in page
    response = client.post(
        f"/admin/organisations/{organisation.id}",
        data={
            "name": "New Name",
            "category": str(category("civil-society").id),
            "country": "NL",
            "transparency_register_id": "123456789012-34",
        },
    )
    assert response.status_code == 302
    assert organisation.name == "New Name" and organisation.country == "NL"
    assert organisation.category.slug == "civil-society"
    [event] = events(db, "organisation.update")
    assert event.data["before"]["name"] == "Old Name"
    assert event.data["after"]["transparency_register_id"] == "123456789012-34"


def test_edit_organisation_errors_keep_input(client, login_as, db):
    login_as("admin")
    OrganisationFactory(name="Taken Name")
    organisation = OrganisationFactory(name="Mine")
    data = {"name": "Mine", "category": str(category("industry").id), "country": "BE"}
    response = client.post(
        f"/admin/organisations/{organisation.id}",
        data={**data, "transparency_register_id": "12-34"},
    )
    page = response.get_data(as_text=True)
    assert "9 to 12 digits" in page and 'value="12-34"' in page
    response = client.post(
        f"/admin/organisations/{organisation.id}", data={**data, "name": "taken name"}
    )
    assert "Another organisation already has this name." in response.get_data(as_text=True)
    assert organisation.name == "Mine" and events(db, "organisation.update") == []


# -- categories ----------------------------------------------------------------------------


def signup_page(login_as, client):
    login_as("visitor")
    return client.get("/signup").get_data(as_text=True)


def test_add_rename_retire_unretire_category(client, login_as, db):
    login_as("admin")
    response = client.post("/admin/categories", data={"name": "Rightsholders"})
    assert response.status_code == 302
    new = db.session.scalars(
        select(StakeholderCategory).where(StakeholderCategory.name == "Rightsholders")
    ).one()
    assert new.slug == "rightsholders"
    assert "Rightsholders" in signup_page(login_as, client)
    login_as("admin")

    client.post(f"/admin/categories/{new.id}/rename", data={f"cat{new.id}-name": "Rights holders"})
    assert new.name == "Rights holders"
    client.post(f"/admin/categories/{new.id}/retire")
    assert new.retired_at is not None
    assert "Rights holders" not in signup_page(login_as, client)
    login_as("admin")
    # Still in the admin filters, for old data.
    assert "Rights holders (retired)" in client.get("/admin/organisations").get_data(as_text=True)
    client.post(f"/admin/categories/{new.id}/unretire")
    assert new.retired_at is None
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-4:] == [
        "category.add",
        "category.rename",
        "category.retire",
        "category.unretire",
    ]


def test_category_name_must_be_unique(client, login_as, db):
    login_as("admin")
    response = client.post("/admin/categories", data={"name": "academia"})
    assert "A category with this name already exists." in response.get_data(as_text=True)
    sme = category("sme")
    response = client.post(
        f"/admin/categories/{sme.id}/rename", data={f"cat{sme.id}-name": "Industry"}
    )
    page = response.get_data(as_text=True)
    assert "A category with this name already exists." in page and 'value="Industry"' in page
    assert sme.name == "SMEs"


def test_retiring_twice_is_refused(client, login_as, db):
    login_as("admin")
    academia = category("academia")
    academia.retired_at = datetime.now(UTC)
    db.session.flush()
    response = client.post(f"/admin/categories/{academia.id}/retire", follow_redirects=True)
    assert "is already retired" in response.get_data(as_text=True)


# -- audit log ------------------------------------------------------------------------------


def test_audit_log_lists_and_filters(client, login_as, db, monkeypatch, app):
    admin = login_as("admin", display_name="Audit Admin")
    organisation = OrganisationFactory(name="Logged Org")
    audit.record(admin, "organisation.update", organisation, "Logged Org edited",
                 before={"name": "x"}, after={"name": "Logged Org"})  # fmt: skip
    audit.record(None, "version.publish", organisation, "Version 2 published")
    db.session.flush()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Logged Org edited" in page and "Version 2 published" in page
    assert "Audit Admin" in page and "System" in page
    assert "&#34;before&#34;" in page or "&quot;before&quot;" in page or '"before"' in page
    filtered = client.get("/admin/audit?action=organisation.").get_data(as_text=True)
    assert "Logged Org edited" in filtered and "Version 2 published" not in filtered
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    assert "Page 1 of 2" in client.get("/admin/audit").get_data(as_text=True)


def test_dashboard_counts(client, login_as):
    login_as("admin")
    UserFactory(email_verified_at=None)
    OrganisationFactory(pact_status="pillar_ii")
    page = client.get("/admin/").get_data(as_text=True)
    assert "AI Pact declarations to verify" in page
    assert "1 not confirmed" in page
