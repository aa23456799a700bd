"""Drafts services: import, identity across versions, renumbering, immutability, windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from consult.core.models import AuditEvent, OutboxMessage
from consult.drafts import services
from consult.drafts.errors import DraftError, EditConflict, ImportErrors, PublishedVersionError
from consult.drafts.models import Document, Provision, ProvisionKey, Section, Version
from consult.extensions import db as _db
from tests.factories import GroupFactory, MembershipFactory, UserFactory

TEXT = """## Commitment 1: Documentation

Signatories document their models.

### Measure 1.1 Drawing up documentation

1. Signatories shall draw up documentation.

### Measure 1.2 Keeping it up to date

1. Signatories shall update it.

### Measure 1.3 Sharing it

1. Signatories shall share it on request.

## Commitment 2: Copyright

### Measure 2.1 Policy

1. Signatories shall adopt a copyright policy.

## Open question 1

Should the documentation be public?
"""
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def chair(db):
    group = GroupFactory()
    user = UserFactory()
    MembershipFactory(user=user, group=group, role="chair")
    return user


@pytest.fixture
def document(chair):
    group = chair.memberships[0].group
    return services.create_document(
        group,
        slug="transparency",
        title="Transparency",
        summary="",
        visibility="public",
        user=chair,
    )


def by_key(version: Version) -> dict[str, Section]:
    return {s.provision.key: s for s in services.sections_of(version)}


def publish(version, chair, changelog="First draft.", **window):
    return services.publish_version(
        version,
        user=chair,
        changelog=changelog,
        opens_at=window.get("opens_at"),
        closes_at=window.get("closes_at"),
        close_open_window=window.get("close_open_window", False),
    )


def test_create_document_refuses_duplicate_and_bad_slugs(document, chair):
    group = document.group
    with pytest.raises(DraftError, match="already used"):
        services.create_document(
            group, slug="transparency", title="X", summary="", visibility="public", user=chair
        )
    with pytest.raises(DraftError, match="lower-case"):
        services.create_document(
            group, slug="Bad Slug", title="X", summary="", visibility="public", user=chair
        )
    assert _db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == document.id))


def test_import_creates_version_one_with_tree(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    assert (version.number, version.status) == (1, "editing")
    sections = services.sections_of(version)
    assert [s.provision.key for s in sections] == [
        "c1",
        "c1-m1",
        "c1-m2",
        "c1-m3",
        "c2",
        "c2-m1",
        "q1",
    ]
    keys = by_key(version)
    assert keys["c1-m2"].parent_id == keys["c1"].id and keys["c1-m2"].depth == 1
    assert keys["c1-m1"].body == "1. Signatories shall draw up documentation."
    stored = _db.session.scalars(
        select(ProvisionKey.key).where(ProvisionKey.document_id == document.id)
    )
    assert set(stored) == set(keys)


def test_malformed_import_stores_nothing(document, chair):
    with pytest.raises(ImportErrors) as caught:
        services.import_markdown(document, "## Commitment 1: A\n#### Measure 1.1 B\n", user=chair)
    assert caught.value.errors[0][0] == 2
    assert (
        _db.session.scalars(select(Version).where(Version.document_id == document.id)).all() == []
    )
    assert (
        _db.session.scalars(select(Provision).where(Provision.document_id == document.id)).all()
        == []
    )


def test_publish_refuses_empty_version_and_missing_changelog(document, chair):
    empty = Version(document=document, number=1)
    _db.session.add(empty)
    _db.session.flush()
    with pytest.raises(DraftError, match="empty"):
        publish(empty, chair)
    assert empty.status == "editing"
    _db.session.delete(empty)
    v1 = services.import_markdown(document, TEXT, user=chair)
    publish(v1, chair)
    v2 = services.start_version(document, user=chair)
    with pytest.raises(DraftError, match="changelog"):
        publish(v2, chair, changelog="  ")


def test_new_version_keeps_identity_and_supersedes(document, chair):
    v1 = services.import_markdown(document, TEXT, user=chair)
    publish(v1, chair)
    v2 = services.start_version(document, user=chair)
    old, new = by_key(v1), by_key(v2)
    assert {k: s.provision_id for k, s in old.items()} == {
        k: s.provision_id for k, s in new.items()
    }
    assert new["c1-m1"].parent_id == new["c1"].id  # parents point inside the new version
    assert {s.id for s in new.values()}.isdisjoint({s.id for s in old.values()})
    with pytest.raises(DraftError, match="already being edited"):
        services.start_version(document, user=chair)
    publish(v2, chair, changelog="Second draft.")
    assert (v1.status, v2.status) == ("superseded", "published")


def test_renumbering_keeps_identity_and_old_keys_resolve(document, chair):
    v1 = services.import_markdown(document, TEXT, user=chair)
    publish(v1, chair)
    v2 = services.start_version(document, user=chair)
    measure = by_key(v2)["c1-m3"]
    provision_id = measure.provision_id
    services.update_section(
        measure,
        expected_lock_version=measure.lock_version,
        heading=measure.heading,
        body=measure.body,
        number="1.4",
        user=chair,
    )
    provision = _db.session.get(Provision, provision_id)
    assert provision.key == "c1-m4"
    assert services.resolve_provision(document, "c1-m3") is provision
    assert services.resolve_provision(document, "c1-m4") is provision
    assert services.resolve_provision(document, "nope") is None
    # Moving it to commitment 2 (as Measure 2.2) keeps identity too.
    services.move_section(measure, parent=by_key(v2)["c2"], after=by_key(v2)["c2-m1"], user=chair)
    services.update_section(
        measure,
        expected_lock_version=measure.lock_version,
        heading=measure.heading,
        body=measure.body,
        number="2.2",
        user=chair,
    )
    assert [s.provision.key for s in services.sections_of(v2)] == [
        "c1",
        "c1-m1",
        "c1-m2",
        "c2",
        "c2-m1",
        "c2-m2",
        "q1",
    ]
    for old_key in ("c1-m3", "c1-m4", "c2-m2"):
        assert services.resolve_provision(document, old_key).id == provision_id
    comparison = services.compare_versions(v1, v2)
    row = next(r for r in comparison.rows if r.provision_id == provision_id)
    assert row.flags == {"moved", "renumbered"} and row.status == "moved"


def test_renumber_onto_a_number_in_use_is_refused(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    measure = by_key(version)["c1-m1"]
    with pytest.raises(DraftError, match="already has this number"):
        services.update_section(
            measure,
            expected_lock_version=measure.lock_version,
            heading="X",
            body="Y",
            number="1.2",
            user=chair,
        )


def test_key_of_a_removed_provision_goes_to_the_new_text(document, chair):
    v1 = services.import_markdown(document, TEXT, user=chair)
    publish(v1, chair)
    v2 = services.start_version(document, user=chair)
    removed_id = by_key(v2)["c1-m2"].provision_id
    services.remove_section(by_key(v2)["c1-m2"], user=chair)
    third = by_key(v2)["c1-m3"]
    services.update_section(
        third,
        expected_lock_version=third.lock_version,
        heading=third.heading,
        body=third.body,
        number="1.2",
        user=chair,
    )
    assert services.resolve_provision(document, "c1-m2").id == third.provision_id
    removed = _db.session.get(Provision, removed_id)
    assert removed.key == f"c1-m2-x{removed_id}"
    assert services.resolve_provision(document, removed.key) is removed


def test_commitment_renumbering_carries_its_measures(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    commitment = by_key(version)["c2"]
    services.update_section(
        commitment,
        expected_lock_version=commitment.lock_version,
        heading="Copyright",
        body="",
        number="3",
        user=chair,
    )
    assert "c3-m1" in by_key(version) and by_key(version)["c3-m1"].number == "3.1"


def test_edit_conflict_on_stale_lock_version(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    section = by_key(version)["c1-m1"]
    stale = section.lock_version
    services.update_section(
        section,
        expected_lock_version=stale,
        heading="First",
        body="New body",
        number="1.1",
        user=chair,
    )
    with pytest.raises(EditConflict) as caught:
        services.update_section(
            section,
            expected_lock_version=stale,
            heading="Mine",
            body="My body",
            number="1.1",
            user=chair,
        )
    assert caught.value.section.body == "New body"
    assert caught.value.attempted == {"heading": "Mine", "body": "My body", "number": "1.1"}


def test_stale_data_at_flush_becomes_edit_conflict(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    _db.session.commit()
    section = by_key(version)["c1-m1"]
    # Another request saves behind this session's back (the identity map is not refreshed).
    _db.session.execute(
        update(Section)
        .where(Section.id == section.id)
        .values(lock_version=Section.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(EditConflict) as caught:
        services.update_section(
            section,
            expected_lock_version=section.lock_version,
            heading="Mine",
            body="B",
            number="1.1",
            user=chair,
        )
    assert caught.value.section.id == section.id


def test_published_version_refuses_every_service_change(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    publish(version, chair)
    section = by_key(version)["c1-m1"]
    attempts = [
        lambda: services.update_section(
            section,
            expected_lock_version=section.lock_version,
            heading="x",
            body="y",
            number="1.1",
            user=chair,
        ),
        lambda: services.add_section(
            version,
            parent=None,
            after=None,
            kind="commitment",
            number="9",
            heading="New",
            body="",
            user=chair,
        ),
        lambda: services.remove_section(section, user=chair),
        lambda: services.move_section(section, parent=None, after=None, user=chair),
        lambda: publish(version, chair),
    ]
    for attempt in attempts:
        with pytest.raises(PublishedVersionError):
            attempt()
    assert section.heading == "Drawing up documentation"


def test_orm_listener_refuses_direct_changes_to_published(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    publish(version, chair)
    _db.session.commit()
    section = by_key(version)["c1-m1"]
    section.body = "Sneaky change"
    with pytest.raises(PublishedVersionError):
        _db.session.flush()
    _db.session.rollback()
    _db.session.add(
        Section(
            version_id=version.id, provision_id=section.provision_id, position=99, kind="measure"
        )
    )
    with pytest.raises(PublishedVersionError):
        _db.session.flush()
    _db.session.rollback()
    _db.session.delete(_db.session.get(Section, section.id))
    with pytest.raises(PublishedVersionError):
        _db.session.flush()
    _db.session.rollback()
    version = _db.session.get(Version, version.id)
    version.changelog = "Rewritten history"
    with pytest.raises(PublishedVersionError):
        _db.session.flush()
    _db.session.rollback()
    version = _db.session.get(Version, version.id)
    version.closes_at = datetime(2030, 1, 1, tzinfo=UTC)  # not through set_window
    with pytest.raises(PublishedVersionError):
        _db.session.flush()
    _db.session.rollback()
    assert _db.session.get(Section, section.id).body.startswith("1. Signatories")


def test_add_move_remove_keep_document_order(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    keys = by_key(version)
    added = services.add_section(
        version,
        parent=keys["c1"],
        after=keys["c1-m1"],
        kind="measure",
        number="1.5",
        heading="Retention",
        body="Keep it ten years.",
        user=chair,
    )
    assert [s.provision.key for s in services.sections_of(version)][:4] == [
        "c1",
        "c1-m1",
        "c1-m5",
        "c1-m2",
    ]
    assert added.depth == 1
    untouched = by_key(version)["c2-m1"].lock_version
    services.move_section(keys["c2"], parent=None, after=None, user=chair)
    order = [s.provision.key for s in services.sections_of(version)]
    assert order == ["c2", "c2-m1", "c1", "c1-m1", "c1-m5", "c1-m2", "c1-m3", "q1"]
    assert by_key(version)["c2-m1"].lock_version == untouched  # reordering is not an edit
    with pytest.raises(DraftError, match="inside itself"):
        services.move_section(keys["c2"], parent=keys["c2-m1"], after=None, user=chair)
    with pytest.raises(DraftError, match=r"must start with '1\.'"):
        services.add_section(
            version,
            parent=keys["c1"],
            after=None,
            kind="measure",
            number="2.9",
            heading="x",
            body="",
            user=chair,
        )
    services.remove_section(by_key(version)["c1"], user=chair)
    assert [s.provision.key for s in services.sections_of(version)] == ["c2", "c2-m1", "q1"]
    assert [s.position for s in services.sections_of(version)] == [0, 1, 2]


@time_machine.travel(NOW, tick=False)
def test_window_rules_with_frozen_clock(document, chair):
    version = services.import_markdown(document, TEXT, user=chair)
    with pytest.raises(DraftError, match="close after it opens"):
        publish(version, chair, opens_at=NOW + timedelta(days=5), closes_at=NOW + timedelta(days=1))
    with pytest.raises(DraftError, match="already passed"):
        publish(version, chair, closes_at=NOW - timedelta(minutes=1))
    assert version.status == "editing"
    publish(version, chair, closes_at=NOW + timedelta(days=30))
    assert version.opens_at == NOW and version.window_state(NOW) == "open"
    assert version.published_at == NOW
    services.set_window(
        version, user=chair, opens_at=None, closes_at=NOW + timedelta(days=45), reason="Later."
    )
    assert version.closes_at == NOW + timedelta(days=45)
    with pytest.raises(DraftError, match="already opened"):
        services.set_window(
            version,
            user=chair,
            opens_at=NOW + timedelta(days=1),
            closes_at=NOW + timedelta(days=50),
            reason="Later.",
        )
    with pytest.raises(DraftError, match="unchanged"):
        services.set_window(version, user=chair, opens_at=NOW, closes_at=NOW + timedelta(days=45))
    events = _db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "version.window", AuditEvent.object_id == version.id
        )
    ).all()
    assert len(events) == 1 and events[0].data["after"]["closes_at"].startswith("2026-04-16")
    with time_machine.travel(NOW + timedelta(days=46), tick=False):
        assert version.window_state(datetime.now(UTC)) == "closed"


@time_machine.travel(NOW, tick=False)
def test_publishing_next_version_closes_previous_window(document, chair):
    v1 = services.import_markdown(document, TEXT, user=chair)
    publish(v1, chair, closes_at=NOW + timedelta(days=30))
    v2 = services.start_version(document, user=chair)
    with pytest.raises(DraftError, match="still open"):
        publish(v2, chair, changelog="Second.", opens_at=NOW + timedelta(days=1))
    publish(
        v2, chair, changelog="Second.", opens_at=NOW + timedelta(days=1), close_open_window=True
    )
    assert v1.status == "superseded" and v1.closes_at == NOW
    with pytest.raises(PublishedVersionError, match="superseded"):
        services.set_window(v1, user=chair, opens_at=NOW, closes_at=NOW + timedelta(days=9))
    assert v2.window_state(NOW) == "upcoming"


def test_publishing_notifies_members_who_asked(document, chair):
    group = document.group
    wants = MembershipFactory(group=group, role="member", notify_versions=True).user
    MembershipFactory(group=group, role="member", notify_versions=False)
    version = services.import_markdown(document, TEXT, user=chair)
    publish(version, chair)
    recipients = _db.session.scalars(select(OutboxMessage.to_addr)).all()
    assert wants.email in recipients and len(recipients) == 2  # the chair and `wants`


def test_latest_visible_version(document, chair):
    v1 = services.import_markdown(document, TEXT, user=chair)
    assert services.latest_visible_version(document, None) is None
    assert services.latest_visible_version(document, chair) is v1
    publish(v1, chair)
    v2 = services.start_version(document, user=chair)
    assert services.latest_visible_version(document, None) is v1
    assert services.latest_visible_version(document, chair) is v2
    document.visibility = "members"
    assert services.latest_visible_version(document, UserFactory()) is None
    assert isinstance(document, Document)
