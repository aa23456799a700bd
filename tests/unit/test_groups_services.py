"""Groups services: joining, decisions, roles, settings, balance and notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.core import permissions
from consult.core.models import AuditEvent, Notification, OutboxMessage
from consult.db import utcnow
from consult.extensions import db as _db
from consult.groups import notifications, queries, services
from consult.groups.models import DeadlineReminder, Membership
from tests import factories


def pact_user(**fields):
    """A verified stakeholder from an organisation with a verified AI Pact pledge."""
    organisation = factories.OrganisationFactory(pact_status="pillar_ii", pact_verified_at=utcnow())
    return factories.UserFactory(organisation=organisation, **fields)


def plain_user(**fields):
    """A verified stakeholder whose organisation is not an AI Pact signatory."""
    return factories.UserFactory(**fields)


def audit_actions(membership):
    return [
        event.action
        for event in _db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "memberships", AuditEvent.object_id == membership.id)
            .order_by(AuditEvent.id)
        )
    ]


def outbox_to(user):
    return list(
        _db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    )


@pytest.fixture
def group(db):
    group = factories.GroupFactory(admission_rule="pact")
    chair = factories.MembershipFactory(group=group, role="chair").user
    group.chair = chair  # handy for the tests
    return group


def test_eligible_member_request_is_recorded_audited_and_chairs_told(group):
    user = pact_user()
    membership = services.request_membership(
        group, user, role="member", statement="We release open-weight models."
    )
    assert membership.status == "requested" and membership.role == "member"
    assert membership.requested_at is not None
    assert audit_actions(membership) == ["membership.request"]
    [mail] = outbox_to(group.chair)
    assert group.name in mail.subject and "We release open-weight models." in mail.body_text


def test_pact_rule_refuses_member_but_allows_observer(group):
    user = plain_user()
    with pytest.raises(services.MembershipError) as refused:
        services.request_membership(group, user, role="member", statement="Interested.")
    assert refused.value.field == "role"
    assert "observer" in str(refused.value)
    assert _db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all() == []
    membership = services.request_membership(group, user, role="observer", statement="Following.")
    assert membership.role == "observer"


def test_pillar_declared_but_unverified_is_not_eligible(group):
    organisation = factories.OrganisationFactory(pact_status="pillar_ii", pact_verified_at=None)
    user = factories.UserFactory(organisation=organisation)
    assert not queries.is_eligible(user, group)
    independent = factories.UserFactory(organisation=None)
    assert not queries.is_eligible(independent, group)
    assert "independent" in queries.ineligible_reason(independent, group).lower()


def test_open_rule_admits_anyone_verified_as_member(db):
    group = factories.GroupFactory(admission_rule="open")
    membership = services.request_membership(
        group, plain_user(), role="member", statement="Open-source maintainer."
    )
    assert membership.role == "member"


def test_duplicate_request_and_existing_member_refused(group):
    user = pact_user()
    services.request_membership(group, user, role="member", statement="First.")
    with pytest.raises(services.MembershipError, match="already asked"):
        services.request_membership(group, user, role="observer", statement="Second.")
    member = factories.MembershipFactory(group=group, role="member").user
    with pytest.raises(services.MembershipError, match="already in"):
        services.request_membership(group, member, role="member", statement="Again.")


def test_statement_required(group):
    with pytest.raises(services.MembershipError) as refused:
        services.request_membership(group, pact_user(), role="member", statement="   ")
    assert refused.value.field == "statement"


def test_approve_tells_requester_and_audits(group):
    user = pact_user()
    membership = services.request_membership(group, user, role="member", statement="Hello.")
    services.approve_request(membership, role="member", actor=group.chair)
    assert membership.status == "approved" and membership.decided_by_id == group.chair.id
    assert permissions.group_role(user, group.id) == "member"
    [mail] = outbox_to(user)
    assert "approved" in mail.subject and group.name in mail.body_text
    assert "You are now member" in mail.body_text
    assert audit_actions(membership) == ["membership.request", "membership.approve"]


def test_approving_ineligible_person_as_member_refused(group):
    user = plain_user()
    membership = services.request_membership(group, user, role="observer", statement="Hi.")
    with pytest.raises(services.MembershipError, match="cannot be admitted as a member"):
        services.approve_request(membership, role="member", actor=group.chair)
    assert membership.status == "requested"
    services.approve_request(membership, role="observer", actor=group.chair)
    assert membership.role == "observer" and membership.status == "approved"


def test_decline_needs_reason_and_mails_it(group):
    user = pact_user()
    membership = services.request_membership(group, user, role="member", statement="Hi.")
    with pytest.raises(services.MembershipError) as refused:
        services.decline_request(membership, reason="  ", actor=group.chair)
    assert refused.value.field == "reason"
    services.decline_request(membership, reason="The group is full this round.", actor=group.chair)
    assert membership.status == "declined"
    [mail] = outbox_to(user)
    assert "declined" in mail.subject and "The group is full this round." in mail.body_text
    with pytest.raises(services.MembershipError, match="already been decided"):
        services.approve_request(membership, role="member", actor=group.chair)


def test_request_again_after_decline_and_after_leaving_reuses_the_row(group):
    user = pact_user()
    first = services.request_membership(group, user, role="member", statement="One.")
    services.decline_request(first, reason="Not now.", actor=group.chair)
    again = services.request_membership(group, user, role="member", statement="Two.")
    assert again.id == first.id and again.status == "requested"
    assert again.decision_reason == "" and again.statement == "Two."
    services.approve_request(again, role="member", actor=group.chair)
    services.leave_group(again, user=user)
    assert again.status == "left"
    assert permissions.group_role(user, group.id) is None
    services.request_membership(group, user, role="observer", statement="Three.")
    assert audit_actions(first) == [
        "membership.request",
        "membership.decline",
        "membership.request",
        "membership.approve",
        "membership.leave",
        "membership.request",
    ]
    history = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_id == first.id, AuditEvent.action == "membership.decline"
        )
    ).one()
    assert history.data["after"]["reason"] == "Not now."


def test_last_chair_cannot_leave_or_be_demoted(group):
    membership = queries.membership_of(group.chair, group)
    with pytest.raises(services.MembershipError, match="only chair"):
        services.leave_group(membership, user=group.chair)
    admin = factories.UserFactory(is_admin=True)
    with pytest.raises(services.MembershipError, match="needs a chair"):
        services.change_role(membership, role="member", actor=admin)


def test_change_role_checks_eligibility_and_audits(group):
    observer = factories.MembershipFactory(group=group, role="observer")
    with pytest.raises(services.MembershipError, match="AI Pact"):
        services.change_role(observer, role="moderator", actor=group.chair)
    member = factories.MembershipFactory(group=group, role="member", user=pact_user())
    services.change_role(member, role="vice_chair", actor=group.chair)
    assert member.role == "vice_chair"
    assert audit_actions(member) == ["membership.role"]
    assert "vice-chair" in outbox_to(member.user)[0].subject
    with pytest.raises(services.MembershipError, match="already"):
        services.change_role(member, role="vice_chair", actor=group.chair)


def test_appoint_chair_creates_or_revives_membership(group):
    admin = factories.UserFactory(is_admin=True)
    outsider = factories.UserFactory(email="new.chair@example.org")
    membership = services.appoint_chair(group, email="NEW.chair@example.org", actor=admin)
    assert membership.role == "chair" and membership.status == "approved"
    assert permissions.group_role(outsider, group.id) == "chair"
    assert audit_actions(membership) == ["membership.role"]
    with pytest.raises(services.MembershipError, match="already a chair"):
        services.appoint_chair(group, email=outsider.email, actor=admin)
    with pytest.raises(services.MembershipError, match="No account"):
        services.appoint_chair(group, email="nobody@example.org", actor=admin)
    leaver = pact_user()
    left = factories.MembershipFactory(group=group, user=leaver, status="left")
    services.appoint_chair(group, email=leaver.email, actor=admin)
    assert left.status == "approved" and left.role == "chair"


@pytest.mark.parametrize(
    ("actor_role", "from_role", "to_role", "allowed"),
    [
        ("chair", "member", "vice_chair", True),
        ("chair", "member", "moderator", True),
        ("chair", "vice_chair", "member", True),
        ("chair", "member", "chair", False),
        ("vice_chair", "member", "moderator", True),
        ("vice_chair", "moderator", "member", True),
        ("vice_chair", "member", "vice_chair", False),
        ("vice_chair", "vice_chair", "member", False),
        ("vice_chair", "chair", "member", False),
        ("moderator", "member", "moderator", False),
        ("member", "member", "moderator", False),
        ("admin", "member", "chair", True),
        ("admin", "chair", "member", True),
    ],
)
def test_who_may_change_which_role(group, actor_role, from_role, to_role, allowed):
    if actor_role == "admin":
        actor = factories.UserFactory(is_admin=True)
    else:
        actor = factories.MembershipFactory(group=group, role=actor_role).user
    target = factories.MembershipFactory(group=group, role=from_role)
    assert permissions.can_change_role(actor, target, to_role) is allowed


def test_nobody_but_admins_changes_their_own_role(group):
    membership = queries.membership_of(group.chair, group)
    assert not permissions.can_change_role(group.chair, membership, "vice_chair")


def test_settings_change_audited_with_before_and_after(group):
    services.update_settings(
        group,
        mandate="New mandate.",
        admission_rule="open",
        observers_may_comment=True,
        actor=group.chair,
    )
    event = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "group.settings")
    ).one()
    assert event.data["before"]["admission_rule"] == "pact"
    assert event.data["after"] == {
        "mandate": "New mandate.",
        "admission_rule": "open",
        "observers_may_comment": True,
    }


def test_member_balance_counts_every_category(group):
    academia = factories.category("academia")
    for _ in range(3):
        factories.MembershipFactory(group=group, role="member")  # industry organisations
    factories.MembershipFactory(
        group=group,
        role="observer",
        user=factories.UserFactory(organisation=None, independent_category=academia),
    )
    balance = queries.member_balance(group)
    rows = {row.name: row for row in balance.rows}
    assert balance.members == 4 and balance.observers == 1  # the chair is a member too
    assert rows["Industry"].members == 4 and rows["Industry"].share == 100.0
    assert rows["Academia"].members == 0 and rows["Academia"].observers == 1
    assert rows["SMEs"].share == 0.0
    assert len(balance.rows) == 5


def test_members_to_notify_one_query_and_filters(group, count_queries):
    wants = factories.MembershipFactory(group=group, role="member").user
    observer = factories.MembershipFactory(group=group, role="observer").user
    factories.MembershipFactory(group=group, notify_versions=False)
    factories.MembershipFactory(group=group, status="requested")
    factories.MembershipFactory(group=group, status="left")
    factories.MembershipFactory(group=group, user=factories.UserFactory(is_disabled=True))
    factories.MembershipFactory(group=factories.GroupFactory())
    _db.session.expire_all()
    assert group.id  # reloads the group before counting
    with count_queries() as queries:
        users = notifications.members_to_notify(group, "versions")
    assert queries.count == 1
    assert {u.id for u in users} == {group.chair.id, wants.id, observer.id}


def test_deadline_reminders_sent_once_per_version(group):
    member = factories.MembershipFactory(group=group, role="member").user
    quiet = factories.MembershipFactory(group=group, notify_deadlines=False).user
    document = factories.DocumentFactory(group=group, title="Transparency chapter")
    now = utcnow()
    closing = factories.VersionFactory(
        document=document, number=1, closes_at=now + timedelta(days=2)
    )
    factories.VersionFactory(
        document=factories.DocumentFactory(group=group),
        number=1,
        closes_at=now + timedelta(days=10),
    )  # not yet
    assert notifications.queue_deadline_reminders(now) == 2  # the chair and the member
    mails = outbox_to(member)
    assert len(mails) == 1
    assert "Transparency chapter" in mails[0].subject
    assert "closes on" in mails[0].body_text and "Europe/Brussels" in mails[0].body_text
    assert outbox_to(quiet) == []
    assert notifications.queue_deadline_reminders(now + timedelta(hours=1)) == 0
    reminders = _db.session.scalars(select(DeadlineReminder)).all()
    assert {(r.version_id, r.user_id) for r in reminders} == {
        (closing.id, member.id),
        (closing.id, group.chair.id),
    }


def test_deadline_reminder_respects_daily_digest(group):
    member = factories.MembershipFactory(
        group=group, user=factories.UserFactory(notify_mode="daily")
    ).user
    now = utcnow()
    factories.VersionFactory(
        document=factories.DocumentFactory(group=group), closes_at=now + timedelta(hours=5)
    )
    notifications.queue_deadline_reminders(now)
    assert outbox_to(member) == []
    notes = _db.session.scalars(select(Notification).where(Notification.user_id == member.id))
    assert len(notes.all()) == 1
