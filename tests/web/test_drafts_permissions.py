"""Who may see and do what on every drafts URL; members-only documents; query counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from consult.drafts import services
from consult.extensions import db as _db
from tests.conftest import ROLES
from tests.factories import GroupFactory, MembershipFactory, UserFactory

TEXT = """## Commitment 1: Documentation

### Measure 1.1 Drawing up documentation

1. Signatories shall draw up documentation.

### Measure 1.2 Sharing it

1. Signatories shall share it.
"""
MODERATORS = {"moderator", "vice_chair", "chair", "admin"}
CHAIRS = {"vice_chair", "chair", "admin"}
MEMBERS = {"observer", "member", *MODERATORS}


@pytest.fixture
def setup(db):
    """Document `doc` of a group: v1 published (window open), v2 being edited."""
    group = GroupFactory()
    chair = UserFactory()
    MembershipFactory(user=chair, group=group, role="chair")
    document = services.create_document(
        group, slug="doc", title="Doc", summary="", visibility="public", user=chair
    )
    v1 = services.import_markdown(document, TEXT, user=chair)
    services.publish_version(
        v1,
        user=chair,
        changelog="",
        opens_at=None,
        closes_at=datetime.now(UTC) + timedelta(days=10),
    )
    v2 = services.start_version(document, user=chair)
    _db.session.commit()
    section = services.sections_of(v2)[1]
    return {"group": group, "document": document, "v1": v1, "v2": v2, "section": section}


def _denied(role: str) -> int:
    """Refusal for a signed-in user: 403; a visitor is sent to sign in."""
    return 302 if role == "visitor" else 403


READ_URLS = [
    "/docs/doc/v1/",
    "/docs/doc/versions/",
    "/docs/doc/v1.md",
    "/docs/doc/v1/export.md",
    "/docs/doc/compare",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", READ_URLS)
def test_public_pages_open_to_every_role(client, login_as, setup, role, url):
    login_as(role, group=setup["group"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_editing_version_pages(client, login_as, setup, role):
    """The version being edited: moderators edit it; everyone else gets 404 (it is unpublished)."""
    login_as(role, group=setup["group"])
    sid = setup["section"].id
    urls = [
        "/docs/doc/v2/",
        "/docs/doc/v2/edit",
        f"/docs/doc/v2/sections/{sid}/edit",
        "/docs/doc/v2/sections/new",
        f"/docs/doc/v2/sections/{sid}/move",
        f"/docs/doc/v2/sections/{sid}/remove",
    ]
    for url in urls:
        # Signed out: sign in first; signed in without the right: 404, as if it did not exist.
        expected = 200 if role in MODERATORS else 302 if role == "visitor" else 404
        assert client.get(url).status_code == expected, url
    publish = client.get("/docs/doc/v2/publish").status_code
    assert publish == (
        200 if role in CHAIRS else 403 if role == "moderator" else 302 if role == "visitor" else 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_editing_posts_change_nothing_for_the_refused(client, login_as, setup, role):
    login_as(role, group=setup["group"])
    section = setup["section"]
    response = client.post(
        f"/docs/doc/v2/sections/{section.id}/edit",
        data={
            "number": "1.1",
            "heading": "Hacked",
            "body": "x",
            "lock_version": section.lock_version,
        },
    )
    _db.session.expire_all()
    saved = _db.session.get(type(section), section.id)
    if role in MODERATORS:
        assert response.status_code == 302 and saved.heading == "Hacked"
    else:
        refused = 302 if role == "visitor" else 404
        assert response.status_code == refused and saved.heading == "Drawing up documentation"


@pytest.mark.parametrize("role", ROLES)
def test_chair_only_pages(client, login_as, setup, role):
    login_as(role, group=setup["group"])
    allowed = role in CHAIRS
    assert client.get("/docs/doc/v1/window").status_code == (200 if allowed else _denied(role))
    assert client.get("/docs/doc/import").status_code == (200 if allowed else _denied(role))
    start = client.post("/docs/doc/versions/new")
    assert start.status_code == (302 if allowed else _denied(role))
    if not allowed and role != "visitor":
        assert start.status_code == 403
    create = client.get("/docs/new").status_code
    # any chair may create documents (in their own groups): other_chair too
    assert create == (200 if role in CHAIRS | {"other_chair"} else _denied(role))


@pytest.mark.parametrize("role", ROLES)
def test_members_only_document_is_404_for_outsiders(client, login_as, setup, role):
    setup["document"].visibility = "members"
    _db.session.commit()
    login_as(role, group=setup["group"])
    insider = role in MEMBERS
    for url in [*READ_URLS, "/docs/doc/", "/docs/doc/compare/v1...v1", "/docs/doc/p/c1-m1"]:
        status = client.get(url).status_code
        if insider:
            assert status in {200, 302, 400}, url
        else:
            assert status == (302 if role == "visitor" else 404), url
    home = client.get("/").get_data(as_text=True)
    assert ("/docs/doc/v1/" in home) == insider


# --- query counts ---------------------------------------------------------------------------


def _document_with(n: int, slug: str) -> None:
    group = GroupFactory()
    chair = UserFactory()
    MembershipFactory(user=chair, group=group, role="chair")
    document = services.create_document(
        group, slug=slug, title=slug, summary="", visibility="public", user=chair
    )
    parts = []
    for c in range(1, n // 5 + 1):
        parts.append(f"## Commitment {c}: Topic {c}\n\nIntro {c}.\n")
        for m in range(1, 5):
            parts.append(f"### Measure {c}.{m} Measure\n\n1. Signatories shall do {c}.{m}.\n")
    v1 = services.import_markdown(document, "\n".join(parts), user=chair)
    services.publish_version(v1, user=chair, changelog="", opens_at=None, closes_at=None)
    v2 = services.start_version(document, user=chair)
    for section in services.sections_of(v2)[1::3]:
        services.update_section(
            section,
            expected_lock_version=section.lock_version,
            heading=section.heading,
            body=section.body + " Edited.",
            number=section.number,
            user=chair,
        )
    services.publish_version(v2, user=chair, changelog="Edits.", opens_at=None, closes_at=None)
    _db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/docs/{slug}/v2/",
        "/docs/{slug}/compare/v1...v2",
        "/docs/{slug}/v2.md",
        "/docs/{slug}/versions/",
    ],
)
def test_query_count_does_not_grow_with_provisions(client, login_as, count_queries, url):
    _document_with(5, "small")
    _document_with(50, "large")
    login_as("stakeholder")
    counts = []
    for slug in ("small", "large"):
        client.get(url.format(slug=slug))  # warm caches (e.g. the user's memberships)
        with count_queries() as q:
            assert client.get(url.format(slug=slug)).status_code == 200
        counts.append(q.count)
    assert counts[0] == counts[1], counts


def test_home_query_count_does_not_grow(client, count_queries):
    _document_with(5, "one")
    with count_queries() as q1:
        client.get("/")
    _document_with(5, "two")
    _document_with(5, "three")
    with count_queries() as q2:
        client.get("/")
    assert q1.count == q2.count
