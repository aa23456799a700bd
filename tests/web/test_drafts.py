"""Drafts pages: reading, comparison, export, and the editing and publishing flows."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from consult.core import hooks
from consult.core.models import AuditEvent
from consult.drafts import services
from consult.drafts.models import Document, Section, Version
from consult.extensions import db as _db
from tests.factories import CommentFactory, GroupFactory, MembershipFactory, UserFactory

V1 = """## Commitment 1: Documentation

Signatories document their general-purpose AI models.

### Measure 1.1 Drawing up the documentation

1. Signatories shall draw up and keep up to date technical documentation of the model.
2. The documentation shall cover:
   (a) the architecture and number of parameters;
   (b) the training process and the data used.

### Measure 1.2 Information to downstream providers

1. Signatories shall give downstream providers the information they need within 14 days.

### Measure 1.3 Retention

1. Documentation is kept for ten years.

## Open question 1

Should a summary of the documentation be published?
"""


@pytest.fixture
def group(db):
    return GroupFactory(slug="transparency-copyright", name="Transparency and copyright")


@pytest.fixture
def author(group):
    user = UserFactory(display_name="Chair Person")
    MembershipFactory(user=user, group=group, role="chair")
    return user


def make_document(group, author, *, slug="transparency", visibility="public", text=V1):
    document = services.create_document(
        group,
        slug=slug,
        title="Transparency",
        summary="The chapter.",
        visibility=visibility,
        user=author,
    )
    version = services.import_markdown(document, text, user=author)
    return document, version


@pytest.fixture
def published(group, author):
    """A public document: v1 published with an open window, v2 published, v3 being edited."""
    document, v1 = make_document(group, author)
    services.publish_version(
        v1,
        user=author,
        changelog="",
        opens_at=None,
        closes_at=datetime.now(UTC) + timedelta(days=30),
    )
    v2 = services.start_version(document, user=author)
    sections = {s.provision.key: s for s in services.sections_of(v2)}
    m1 = sections["c1-m1"]
    services.update_section(
        m1,
        expected_lock_version=m1.lock_version,
        heading="Drawing up documentation",
        body=m1.body.replace("technical documentation", "full technical documentation"),
        number="1.1",
        user=author,
    )
    m3 = sections["c1-m3"]
    services.update_section(
        m3,
        expected_lock_version=m3.lock_version,
        heading=m3.heading,
        body=m3.body,
        number="1.4",
        user=author,
    )
    services.remove_section(sections["q1"], user=author)
    services.add_section(
        v2,
        parent=sections["c1"],
        after=sections["c1-m2"],
        kind="measure",
        number="1.3",
        heading="Public summary",
        body="1. Signatories publish a summary.",
        user=author,
    )
    services.publish_version(
        v2,
        user=author,
        changelog="Measure 1.3 added after comments.",
        opens_at=None,
        closes_at=datetime.now(UTC) + timedelta(days=20),
        close_open_window=True,
    )
    v3 = services.start_version(document, user=author)
    _db.session.commit()
    return document, v1, v2, v3


def test_home_lists_open_consultations_and_deadlines(client, published):
    page = client.get("/").get_data(as_text=True)
    assert "Open consultations" in page
    assert "Transparency, version 2" in page
    assert "Comments close" in page and "(Europe/Brussels)" in page
    assert "Transparency, version 3" not in page  # the draft in editing is not public


def test_document_redirects_to_latest_visible_version(client, login_as, published, group):
    _document, _v1, _v2, _v3 = published
    assert client.get("/docs/transparency/").headers["Location"].endswith("/docs/transparency/v2/")
    login_as("moderator", group=group)
    assert client.get("/docs/transparency/").headers["Location"].endswith("/docs/transparency/v3/")


def test_version_page_banner_toc_anchors_and_switcher(client, published):
    page = client.get("/docs/transparency/v2/").get_data(as_text=True)
    assert "Open for comments until" in page and "(Europe/Brussels)" in page
    assert 'href="#c1-m1"' in page and 'id="c1-m1"' in page
    assert "Link to this provision" in page
    assert "/docs/transparency/v1/" in page and 'aria-current="page"' in page
    assert "Measure 1.3 added after comments." in page
    assert "/docs/transparency/v3/" not in page  # the editing version is not offered to visitors
    old = client.get("/docs/transparency/v1/").get_data(as_text=True)
    assert "superseded by" in old and "/docs/transparency/v2/" in old
    # the renumbered measure keeps its identity: its anchor is the current key in every version
    assert 'id="c1-m4"' in old


def test_editing_version_is_hidden_from_readers(client, login_as, published, group):
    assert "/login?next=" in client.get("/docs/transparency/v3/").headers["Location"]
    login_as("member", group=group)
    assert client.get("/docs/transparency/v3/").status_code == 404
    login_as("moderator", group=group)
    page = client.get("/docs/transparency/v3/").get_data(as_text=True)
    assert "is being drafted and is not published" in page


def test_version_page_renders_hook_data(app, client, published):
    _document, _v1, v2, _v3 = published
    sections = services.sections_of(v2)
    target = sections[1]

    class Category:
        def __init__(self, id, name):
            self.id, self.name = id, name

    comment = CommentFactory(
        section=target,
        organisation_name="Open Models Collective",
        body="Please require the full documentation.",
    )

    def provider(version, sections, user):
        return {
            "comment_counts": {target.id: {1: 3, 2: 1}},
            "comment_categories": [Category(1, "Industry"), Category(2, "SMEs")],
            "change_reasons": {target.provision_id: [comment]},
        }

    registry = app.extensions.setdefault("consult_hooks", {})
    before = list(registry.get("version_page", []))
    registry["version_page"] = [provider]
    try:
        page = client.get("/docs/transparency/v2/").get_data(as_text=True)
    finally:
        registry["version_page"] = before
    assert "4 comments" in page and "Industry 3" in page and "SMEs 1" in page
    assert "Changed in response to 1 comment" in page and "Open Models Collective" in page
    assert hooks  # the module is the one drafts uses


def test_export_markdown_round_trips(client, published):
    _document, _v1, v2, _v3 = published
    response = client.get("/docs/transparency/v2.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert 'filename="transparency-v2.md"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("## Commitment 1: Documentation\n")
    assert "### Measure 1.4: Retention" in text
    assert client.get("/docs/transparency/v2/export.md").get_data(as_text=True) == text
    from consult.drafts.importer import parse_markdown

    assert [p.key for p in parse_markdown(text)] == [
        s.provision.key for s in services.sections_of(v2)
    ]


def test_compare_aligns_by_identity_with_accessible_word_diff(client, published):
    page = client.get("/docs/transparency/compare/v1...v2").get_data(as_text=True)
    assert "Version 1 compared with version 2" in page
    assert '<ins><span class="govuk-visually-hidden">added: </span>full</ins>' in page
    assert "Renumbered" in page and "was Measure 1.3 in version 1" in page
    assert "Added" in page and "Removed" in page
    assert 'data-status="added">1<' in page and 'data-status="removed">1<' in page
    assert 'data-status="edited">1<' in page and 'data-status="renumbered">1<' in page
    assert "Measure 1.3 added after comments." in page  # the changelog beside it
    only = client.get("/docs/transparency/compare/v1...v2?changes=only").get_data(as_text=True)
    assert "Showing the 4 changed provisions only" in only
    assert 'id="c1-m2"' in page and 'id="c1-m2"' not in only  # unchanged hidden


def test_compare_bad_requests(client, published):
    response = client.get("/docs/transparency/compare/v2...v2")
    assert response.status_code == 400
    assert "compared with itself" in response.get_data(as_text=True)
    assert client.get("/docs/transparency/compare/v1...v3").status_code == 404  # editing, hidden
    assert client.get("/docs/transparency/compare/v1...v9").status_code == 404
    reversed_ = client.get("/docs/transparency/compare/v2...v1?changes=only")
    assert reversed_.headers["Location"].endswith("/compare/v1...v2?changes=only")
    picked = client.get("/docs/transparency/compare?a=2&b=1&changes=only")
    assert picked.headers["Location"].endswith("/compare/v1...v2?changes=only")
    assert client.get("/docs/transparency/compare?a=1&b=1").status_code == 400
    assert client.get("/docs/transparency/compare").status_code == 200


def test_old_provision_key_redirects_to_canonical(client, published):
    response = client.get("/docs/transparency/p/c1-m3")
    # c1-m3 is now the key of the added measure; the renumbered one answers to c1-m4
    assert response.headers["Location"].endswith("/docs/transparency/v2/#c1-m3")
    document = _db.session.scalars(select(Document).where(Document.slug == "transparency")).one()
    renumbered = services.resolve_provision(document, "c1-m4")
    assert services.resolve_provision(document, "c1-m4") is renumbered
    assert client.get("/docs/transparency/p/nothing").status_code == 404
    removed = client.get("/docs/transparency/p/q1")
    assert removed.headers["Location"].endswith("/docs/transparency/v1/#q1")


def test_history_lists_versions_with_compare_links(client, published):
    page = client.get("/docs/transparency/versions/").get_data(as_text=True)
    assert "Version history" in page
    assert "/docs/transparency/compare/v1...v2" in page
    assert "Measure 1.3 added after comments." in page
    assert "Version 3" not in page


# --- editing flows ---------------------------------------------------------------------------


def test_create_document_and_duplicate_slug(client, login_as, group):
    user = login_as("chair", group=group)
    form = client.get(f"/docs/new?group={group.slug}").get_data(as_text=True)
    assert "Create a document" in form and "selected" in form
    data = {
        "group_id": group.id,
        "title": "Copyright",
        "slug": "copyright",
        "summary": "",
        "visibility": "public",
    }
    response = client.post("/docs/new", data=data)
    assert response.headers["Location"].endswith("/docs/copyright/import")
    again = client.post("/docs/new", data=data)
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "already used by another document" in page
    assert 'value="Copyright"' in page  # the input is kept
    assert _db.session.scalar(select(func.count(Document.id))) == 1
    assert user is not None


def test_import_paste_errors_show_line_numbers_and_store_nothing(client, login_as, group, author):
    document = services.create_document(
        group, slug="copyright", title="Copyright", summary="", visibility="public", user=author
    )
    _db.session.commit()
    login_as("chair", group=group)
    bad = "Intro\n## Commitment 1: A\n#### Measure 1.1 B\n## Commitment 1: C\n"
    response = client.post("/docs/copyright/import", data={"text": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for line in ('<th scope="row" class="govuk-table__header">1</th>', ">3</th>", ">4</th>"):
        assert line in page
    assert "Duplicate: Commitment 1 is already at line 2." in page
    assert "Intro" in page  # the pasted text is kept
    assert (
        _db.session.scalar(select(func.count(Version.id)).where(Version.document_id == document.id))
        == 0
    )


def test_import_upload_creates_version(client, login_as, group, author):
    services.create_document(
        group, slug="copyright", title="Copyright", summary="", visibility="public", user=author
    )
    _db.session.commit()
    login_as("vice_chair", group=group)
    response = client.post(
        "/docs/copyright/import",
        data={"upload": (io.BytesIO(V1.encode()), "draft.md")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"].endswith("/docs/copyright/v1/edit")
    editor = client.get("/docs/copyright/v1/edit").get_data(as_text=True)
    assert "Measure 1.2: Information to downstream providers" in editor and "c1-m2" in editor


def test_edit_section_and_conflict_page(client, login_as, group, author):
    _document, version = make_document(group, author)
    _db.session.commit()
    section = {s.provision.key: s for s in services.sections_of(version)}["c1-m1"]
    url = f"/docs/transparency/v1/sections/{section.id}/edit"
    login_as("moderator", group=group)
    form = client.get(url).get_data(as_text=True)
    assert f'name="lock_version" type="hidden" value="{section.lock_version}"' in form
    stale = section.lock_version
    first = client.post(
        url,
        data={"number": "1.1", "heading": "Theirs", "body": "Their text", "lock_version": stale},
    )
    assert first.status_code == 302
    conflict = client.post(
        url, data={"number": "1.1", "heading": "Mine", "body": "My own text", "lock_version": stale}
    )
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Your changes were not saved" in page
    assert "My own text</textarea>" in page  # the user's text is kept
    assert "Their text" in page and "<del>" in page and "<ins>" in page
    _db.session.expire_all()
    saved = _db.session.get(Section, section.id)
    assert saved.body == "Their text"
    assert f'value="{saved.lock_version}"' in page  # saving again is done knowingly


def test_add_move_remove_through_forms(client, login_as, group, author):
    _document, version = make_document(group, author)
    _db.session.commit()
    keys = {s.provision.key: s for s in services.sections_of(version)}
    login_as("chair", group=group)
    response = client.post(
        "/docs/transparency/v1/sections/new",
        data={
            "kind": "measure",
            "number": "1.9",
            "heading": "Audits",
            "body": "Yearly.",
            "parent_id": keys["c1"].id,
            "after_id": keys["c1-m3"].id,
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/docs/transparency/v1/sections/new",
        data={
            "kind": "measure",
            "number": "2.1",
            "heading": "Wrong",
            "body": "",
            "parent_id": keys["c1"].id,
            "after_id": 0,
        },
    )
    assert "must start with &#39;1.&#39;" in bad.get_data(as_text=True)
    move = client.post(
        f"/docs/transparency/v1/sections/{keys['q1'].id}/move", data={"parent_id": 0, "after_id": 0}
    )
    assert move.status_code == 302
    remove = client.post(f"/docs/transparency/v1/sections/{keys['c1-m2'].id}/remove")
    assert remove.status_code == 302
    order = [s.provision.key for s in services.sections_of(version)]
    assert order == ["q1", "c1", "c1-m1", "c1-m3", "c1-m9"]


def test_publish_form_rules(client, login_as, group, author):
    _document, version = make_document(group, author)
    empty_doc = services.create_document(
        group, slug="empty", title="Empty", summary="", visibility="public", user=author
    )
    empty = Version(document_id=empty_doc.id, number=1)
    _db.session.add(empty)
    _db.session.commit()
    login_as("chair", group=group)
    response = client.post("/docs/empty/v1/publish", data={"changelog": ""})
    assert response.status_code == 400 and "is empty" in response.get_data(as_text=True)
    bad_window = client.post(
        "/docs/transparency/v1/publish",
        data={
            "changelog": "",
            "opens_at": "2030-03-10T09:00",
            "closes_at": "2030-03-01T09:00",
        },
    )
    assert bad_window.status_code == 400
    assert "must close after it opens" in bad_window.get_data(as_text=True)
    assert 'value="2030-03-10T09:00"' in bad_window.get_data(as_text=True)
    ok = client.post(
        "/docs/transparency/v1/publish",
        data={
            "changelog": "",
            "opens_at": "2030-03-02T09:00",
            "closes_at": "2030-04-01T17:00",
        },
    )
    assert ok.status_code == 302
    _db.session.expire_all()
    version = _db.session.get(Version, version.id)
    # Brussels wall time (CET, UTC+1 in March; CEST from 30 March) stored as UTC
    assert version.opens_at == datetime(2030, 3, 2, 8, 0, tzinfo=UTC)
    assert version.closes_at == datetime(2030, 4, 1, 15, 0, tzinfo=UTC)
    page = client.get("/docs/transparency/v1/").get_data(as_text=True)
    assert "Comments open on" in page and "2 March 2030, 09:00 CET (Europe/Brussels)" in page
    services.start_version(_db.session.get(Version, version.id).document, user=author)
    _db.session.commit()
    no_log = client.post("/docs/transparency/v2/publish", data={"changelog": " "})
    page = no_log.get_data(as_text=True)
    assert no_log.status_code == 400
    assert 'id="changelog-error"' in page and "Say what changed" in page
    assert "What changed (optional)" not in page
    again = client.get("/docs/transparency/v1/publish")
    assert again.status_code == 302  # already published: back to the reading view


@time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)
def test_window_change_is_audited_and_shown(client, login_as, group, author):
    _document, version = make_document(group, author)
    services.publish_version(
        version,
        user=author,
        changelog="",
        opens_at=None,
        closes_at=datetime(2026, 3, 30, 16, 0, tzinfo=UTC),
    )
    _db.session.commit()
    login_as("chair", group=group)
    form = client.get("/docs/transparency/v1/window").get_data(as_text=True)
    assert 'value="2026-03-30T18:00"' in form  # shown in Brussels time (CEST)
    response = client.post(
        "/docs/transparency/v1/window",
        data={
            "opens_at": "2026-03-02T10:00",
            "closes_at": "2026-04-15T18:00",
            "reason": "More time for the SMEs.",
        },
    )
    assert response.status_code == 302
    page = client.get("/docs/transparency/v1/window").get_data(as_text=True)
    assert "15 April 2026, 18:00 CEST (Europe/Brussels)" in page
    actions = _db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "versions")
    ).all()
    assert actions.count("version.window") == 1
    early = client.post(
        "/docs/transparency/v1/window",
        data={
            "opens_at": "2026-03-02T10:00",
            "closes_at": "2026-03-01T18:00",
            "reason": "Typo.",
        },
    )
    assert early.status_code == 400 and "must close after it opens" in early.get_data(as_text=True)


def test_start_version_button(client, login_as, published, group):
    _document, _v1, _v2, _v3 = published
    login_as("chair", group=group)
    response = client.post("/docs/transparency/versions/new")
    assert response.status_code == 302  # refused: v3 is already being edited
    assert "already being edited" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_published_version_editor_redirects(client, login_as, published, group):
    _document, _v1, v2, _v3 = published
    login_as("chair", group=group)
    section = services.sections_of(v2)[0]
    response = client.post(
        f"/docs/transparency/v2/sections/{section.id}/edit",
        data={"number": "1", "heading": "x", "body": "y", "lock_version": section.lock_version},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/v2/")
    _db.session.expire_all()
    assert _db.session.get(Section, section.id).heading == "Documentation"


def test_group_page_panel_lists_documents(app, published, group):
    with app.test_request_context():
        context = hooks.collect("group_page", group=group, user=None)
    templates = [template for template, _ in context["panels"]]
    assert "drafts/_group_documents.html" in templates
    ctx = dict(context["panels"])["drafts/_group_documents.html"]
    assert [(d.slug, v.number) for d, v in ctx["documents"]] == [("transparency", 2)]
