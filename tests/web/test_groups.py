"""Working-group pages: list, group page, joining, requests, roles, settings, preferences."""

from __future__ import annotations

import re

import pytest
from flask import g
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from consult.core import permissions
from consult.core.models import AuditEvent, OutboxMessage
from consult.db import utcnow
from consult.extensions import db as _db
from consult.groups.models import Membership
from tests import factories
from tests.conftest import ROLES


def pact_user(**fields):
    organisation = factories.OrganisationFactory(pact_status="pillar_ii", pact_verified_at=utcnow())
    return factories.UserFactory(organisation=organisation, **fields)


def page(response) -> str:
    return response.get_data(as_text=True)


def actions() -> list[str]:
    return list(_db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def group(db):
    group = factories.GroupFactory(
        slug="transparency-copyright",
        name="Transparency and copyright",
        mandate="Drafts the **transparency** chapter.",
        admission_rule="pact",
    )
    factories.MembershipFactory(
        group=group,
        role="chair",
        user=factories.UserFactory(display_name="Chair Person"),
    )
    return group


def sign_in(client, user):
    g.pop("_login_user", None)  # requests share the test's app context (see login_as)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


# --- pages ----------------------------------------------------------------------------------


def test_list_shows_groups_with_counts(client, group):
    factories.MembershipFactory(group=group, role="member")
    factories.MembershipFactory(group=group, role="observer")
    factories.MembershipFactory(group=group, status="requested")
    html = page(client.get("/groups/"))
    assert "Transparency and copyright" in html
    assert "Drafts the transparency chapter." in html  # an excerpt in plain text
    assert "2 members" in html and "1 observer" in html


def test_group_page_mandate_chairs_and_balance(client, group):
    factories.MembershipFactory(
        group=group, role="vice_chair", user=factories.UserFactory(display_name="Vice Person")
    )
    response = client.get("/groups/transparency-copyright/")
    html = page(response)
    assert response.status_code == 200
    assert "<strong>transparency</strong>" in html
    assert "Chair Person" in html and "Vice Person" in html
    assert "Share of members" in html and "<svg" in html and "<title" in html and "<desc" in html
    assert "style=" not in html and "<script>" not in html
    assert html.count("<h1") == 1


def test_names_hidden_from_non_members_unless_listed(client, login_as, group):
    factories.MembershipFactory(
        group=group, user=factories.UserFactory(display_name="Quiet Member")
    )
    factories.MembershipFactory(
        group=group,
        user=factories.UserFactory(display_name="Public Member"),
        listed_publicly=True,
    )
    for role in ("visitor", "stakeholder", "other_chair"):
        login_as(role)
        html = page(client.get("/groups/transparency-copyright/"))
        assert "Public Member" in html and "Quiet Member" not in html, role
        assert "3 members" in html  # counts stay public
    for role in ("observer", "member", "admin"):
        login_as(role, group=group)
        html = page(client.get("/groups/transparency-copyright/"))
        assert "Public Member" in html and "Quiet Member" in html, role


def test_group_page_renders_panels_from_the_hook(app, client, group, monkeypatch):
    def provider(group, user):
        return {"panels": [("test/_panel.html", {"word": "Consultations"})]}

    monkeypatch.setitem(app.extensions, "consult_hooks", {"group_page": [provider]})
    monkeypatch.setattr(
        app.jinja_env,
        "loader",
        ChoiceLoader(
            [
                DictLoader({"test/_panel.html": "<p>{{ ctx.word }} of {{ group.name }}</p>"}),
                app.jinja_env.loader,
            ]
        ),
    )
    app.jinja_env.cache.clear()
    html = page(client.get("/groups/transparency-copyright/"))
    assert "<p>Consultations of Transparency and copyright</p>" in html


def test_unknown_group_is_404(client, db):
    assert client.get("/groups/nope/").status_code == 404


def test_group_page_query_count_does_not_grow_with_members(client, login_as, group, count_queries):
    def measure() -> int:
        _db.session.expire_all()  # each measured request starts cold, like a real one
        g.pop("_login_user", None)
        with count_queries() as queries:
            assert client.get("/groups/transparency-copyright/").status_code == 200
        return queries.count

    viewer = login_as("member", group=group)
    assert viewer is not None
    for index in range(10):
        factories.MembershipFactory(group=group, role="observer" if index % 3 else "member")
    small = measure()
    for index in range(50):
        factories.MembershipFactory(group=group, role="observer" if index % 3 else "member")
    assert measure() == small


# --- joining --------------------------------------------------------------------------------


def test_ineligible_member_request_explains_observer_and_keeps_input(client, login_as, group):
    login_as("stakeholder")
    response = client.post(
        "/groups/transparency-copyright/join",
        data={"role": "member", "statement": "We build tools for archives."},
    )
    html = page(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "ask to join as an observer" in html
    assert "We build tools for archives." in html
    assert (
        _db.session.scalars(select(Membership).where(Membership.status == "requested")).all() == []
    )


def test_join_request_then_duplicate_refused(client, group):
    user = pact_user()
    sign_in(client, user)
    form = client.get("/groups/transparency-copyright/join")
    assert form.status_code == 200 and "Statement of interest" in page(form)
    response = client.post(
        "/groups/transparency-copyright/join",
        data={"role": "member", "statement": "We release open-weight models."},
    )
    assert response.status_code == 302
    html = page(client.get("/groups/transparency-copyright/"))
    assert "has been sent to its chairs" in html
    again = client.post(
        "/groups/transparency-copyright/join", data={"role": "observer", "statement": "Again."}
    )
    assert "You have already asked to join" in page(again)
    assert actions() == ["membership.request"]


def test_statement_is_required(client, group):
    sign_in(client, pact_user())
    html = page(client.post("/groups/transparency-copyright/join", data={"role": "member"}))
    assert "Write a short statement of interest." in html


def test_chair_sees_request_details_and_approves(client, group):
    requester = pact_user(display_name="Ada Requester")
    membership = factories.MembershipFactory(
        group=group,
        user=requester,
        status="requested",
        role="member",
        statement="We evaluate frontier models.",
        requested_at=utcnow(),
        decided_at=None,
    )
    chair = group.memberships[0].user
    sign_in(client, chair)
    listing = page(client.get("/groups/transparency-copyright/requests"))
    assert "Ada Requester" in listing
    assert requester.organisation.name in listing and "Industry" in listing
    assert "AI Pact" in listing and "We evaluate frontier models." in listing
    detail = page(client.get(f"/groups/transparency-copyright/requests/{membership.id}"))
    assert "Approve request" in detail and "Decline request" in detail
    response = client.post(
        f"/groups/transparency-copyright/requests/{membership.id}/approve",
        data={"approve-role": "member"},
    )
    assert response.status_code == 302
    assert membership.status == "approved"
    mail = _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == requester.email)
    ).one()
    assert "approved" in mail.subject
    assert "/groups/transparency-copyright/" in mail.body_text
    assert actions() == ["membership.approve"]


def test_approving_ineligible_as_member_refused_on_the_page(client, group):
    membership = factories.MembershipFactory(
        group=group, status="requested", role="observer", statement="Watching."
    )
    sign_in(client, group.memberships[0].user)
    html = page(
        client.post(
            f"/groups/transparency-copyright/requests/{membership.id}/approve",
            data={"approve-role": "member"},
        )
    )
    assert "cannot be admitted as a member" in html
    assert membership.status == "requested"


def test_decline_requires_reason_then_mails_it(client, group):
    requester = factories.UserFactory()
    membership = factories.MembershipFactory(
        group=group, user=requester, status="requested", role="observer", statement="Hi."
    )
    sign_in(client, group.memberships[0].user)
    url = f"/groups/transparency-copyright/requests/{membership.id}/decline"
    html = page(client.post(url, data={"decline-reason": ""}))
    assert "Give the reason for declining" in html and membership.status == "requested"
    response = client.post(url, data={"decline-reason": "The group is full for this round."})
    assert response.status_code == 302 and membership.status == "declined"
    mail = _db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == requester.email)
    ).one()
    assert "The group is full for this round." in mail.body_text
    sign_in(client, requester)
    html = page(client.get("/groups/transparency-copyright/"))
    assert "The group is full for this round." in html and "Ask to join" in html


def test_member_leaves_after_confirmation(client, login_as, group):
    user = login_as("member", group=group)
    confirm = client.get("/groups/transparency-copyright/leave")
    assert "Leave the working group?" in page(confirm)
    response = client.post("/groups/transparency-copyright/leave")
    assert response.status_code == 302
    assert permissions.group_role(user, group.id) is None
    assert actions() == ["membership.leave"]
    assert client.get("/groups/transparency-copyright/leave").status_code == 403


def test_sole_chair_cannot_leave(client, group):
    sign_in(client, group.memberships[0].user)
    html = page(client.post("/groups/transparency-copyright/leave"))
    assert "only chair" in html


def test_member_preferences(client, login_as, group):
    user = login_as("member", group=group)
    html = page(client.get("/groups/transparency-copyright/"))
    assert "E-mail me when a new version" in html
    response = client.post(
        "/groups/transparency-copyright/notifications",
        data={"notify_deadlines": "y", "listed_publicly": "y"},
    )
    assert response.status_code == 302
    membership = _db.session.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    assert membership.notify_versions is False
    assert membership.notify_deadlines is True and membership.listed_publicly is True


# --- roles and settings ----------------------------------------------------------------------


def test_chair_appoints_vice_chair_and_reverts(client, group):
    target = factories.MembershipFactory(group=group, user=pact_user(display_name="Bea"))
    sign_in(client, group.memberships[0].user)
    roles = page(client.get("/groups/transparency-copyright/roles"))
    assert "Bea" in roles and "Change role" in roles
    url = f"/groups/transparency-copyright/members/{target.id}/role"
    assert client.post(url, data={"role": "vice_chair"}).status_code == 302
    assert target.role == "vice_chair"
    assert client.post(url, data={"role": "member"}).status_code == 302
    assert target.role == "member"
    assert actions() == ["membership.role", "membership.role"]


def test_vice_chair_cannot_appoint_vice_chair(client, login_as, group):
    login_as("vice_chair", group=group)
    target = factories.MembershipFactory(group=group, user=pact_user())
    url = f"/groups/transparency-copyright/members/{target.id}/role"
    form = page(client.get(url))
    assert 'value="moderator"' in form and 'value="vice_chair"' not in form
    html = page(client.post(url, data={"role": "vice_chair"}))
    assert "There is a problem" in html and target.role == "member"
    assert client.post(url, data={"role": "moderator"}).status_code == 302
    assert target.role == "moderator"


def test_only_admin_appoints_chair(client, login_as, group):
    newcomer = factories.UserFactory(email="newchair@example.org")
    login_as("chair", group=group)
    assert "Appoint a chair" not in page(client.get("/groups/transparency-copyright/roles"))
    assert (
        client.post("/groups/transparency-copyright/chairs", data={"email": newcomer.email})
    ).status_code == 403
    login_as("admin")
    html = page(
        client.post("/groups/transparency-copyright/chairs", data={"email": "x@nowhere.example"})
    )
    assert "No account uses this e-mail address." in html and 'value="x@nowhere.example"' in html
    response = client.post("/groups/transparency-copyright/chairs", data={"email": newcomer.email})
    assert response.status_code == 302
    assert permissions.group_role(newcomer, group.id) == "chair"


def test_chair_edits_settings_audited(client, login_as, group):
    login_as("chair", group=group)
    form = page(client.get("/groups/transparency-copyright/settings"))
    assert "Drafts the **transparency** chapter." in form
    html = page(
        client.post(
            "/groups/transparency-copyright/settings",
            data={"mandate": "", "admission_rule": "open"},
        )
    )
    assert "Write the group&#39;s mandate." in html
    response = client.post(
        "/groups/transparency-copyright/settings",
        data={"mandate": "A new mandate.", "admission_rule": "open", "observers_may_comment": "y"},
    )
    assert response.status_code == 302
    assert group.admission_rule == "open" and group.observers_may_comment is True
    assert actions() == ["group.settings"]


# --- permission matrix -------------------------------------------------------------------------

MEMBERS = {"observer", "member", "moderator", "vice_chair", "chair"}
MANAGERS = {"vice_chair", "chair", "admin"}
SIGNED_IN_VERIFIED = set(ROLES) - {"visitor", "unverified"}

# (method, url template, data, roles allowed); {req} is a pending request, {mem} a member.
MATRIX = [
    ("GET", "/groups/", None, set(ROLES)),
    ("GET", "/groups/{slug}/", None, set(ROLES)),
    ("GET", "/groups/{slug}/join", None, SIGNED_IN_VERIFIED),
    ("POST", "/groups/{slug}/join", {"role": "observer", "statement": "Hi"}, SIGNED_IN_VERIFIED),
    ("GET", "/groups/{slug}/leave", None, MEMBERS),
    ("POST", "/groups/{slug}/leave", {}, MEMBERS),
    ("GET", "/groups/{slug}/notifications", None, MEMBERS),
    ("POST", "/groups/{slug}/notifications", {"notify_versions": "y"}, MEMBERS),
    ("GET", "/groups/{slug}/requests", None, MANAGERS),
    ("GET", "/groups/{slug}/requests/{req}", None, MANAGERS),
    ("POST", "/groups/{slug}/requests/{req}/approve", {"approve-role": "observer"}, MANAGERS),
    ("POST", "/groups/{slug}/requests/{req}/decline", {"decline-reason": "No"}, MANAGERS),
    ("GET", "/groups/{slug}/roles", None, MANAGERS),
    ("GET", "/groups/{slug}/members/{mem}/role", None, MANAGERS),
    ("POST", "/groups/{slug}/members/{mem}/role", {"role": "moderator"}, MANAGERS),
    ("POST", "/groups/{slug}/chairs", {"email": "someone@example.org"}, {"admin"}),
    ("GET", "/groups/{slug}/settings", None, {"chair", "admin"}),
    (
        "POST",
        "/groups/{slug}/settings",
        {"mandate": "M", "admission_rule": "pact"},
        {"chair", "admin"},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "allowed"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
def test_permission_matrix(client, login_as, group, role, method, url, data, allowed):
    factories.UserFactory(email="someone@example.org")
    pending = factories.MembershipFactory(
        group=group, status="requested", role="observer", statement="Let me in."
    )
    member = factories.MembershipFactory(group=group, role="member", user=pact_user())
    login_as(role, group=group)
    target = url.format(slug=group.slug, req=pending.id, mem=member.id)
    response = client.open(target, method=method, data=data)
    if role in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"]
    elif role == "visitor":
        assert response.status_code == 302
        assert re.search(r"/login", response.headers["Location"])
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("path", ["requests", "roles"])
def test_management_pages_query_count_does_not_grow(client, login_as, group, count_queries, path):
    def add(count: int) -> None:
        for index in range(count):
            factories.MembershipFactory(
                group=group, status="requested" if index % 2 else "approved", statement="Hi."
            )

    def measure() -> int:
        _db.session.expire_all()
        g.pop("_login_user", None)
        with count_queries() as queries:
            assert client.get(f"/groups/transparency-copyright/{path}").status_code == 200
        return queries.count

    login_as("chair", group=group)
    add(6)
    small = measure()
    add(40)
    assert measure() == small


def test_requests_show_whether_the_pact_status_is_verified(client, login_as, group):
    declared = factories.OrganisationFactory(name="Declared Ltd", pact_status="pillar_ii")
    factories.MembershipFactory(
        group=group,
        user=factories.UserFactory(organisation=declared),
        status="requested",
        role="observer",
        statement="Awaiting verification.",
    )
    factories.MembershipFactory(
        group=group, user=pact_user(), status="requested", role="member", statement="Verified."
    )
    factories.MembershipFactory(
        group=group,
        user=factories.UserFactory(organisation=None),
        status="requested",
        role="observer",
        statement="Independent.",
    )
    login_as("chair", group=group)
    html = page(client.get("/groups/transparency-copyright/requests"))
    assert "declared, not yet verified" in html
    assert html.count("AI Pact · pillar II") == 2
    assert "Independent: no AI Pact status" in html
