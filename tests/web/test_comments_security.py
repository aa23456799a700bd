"""Sanitising of every rendered comment field, and confidential comments never leaking."""

from __future__ import annotations

import re

import pytest
from flask_login import AnonymousUserMixin

from consult.comments import services
from consult.core import hooks
from tests.factories import (
    CommentFactory,
    OrganisationFactory,
    ReportFactory,
    UserFactory,
    category,
)
from tests.web.test_comments_support import published_section, url_of

SCRIPT = "<script>alert('x')</script>"
JS_LINK = "[click me](javascript:alert(1))"
IMG = '<img src=x onerror="alert(2)">'


def assert_clean(page: str) -> None:
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "onerror=" not in page.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert not re.search(r"href=[\"']?\s*javascript:", page, re.I)


@pytest.fixture
def nasty(db):
    section = published_section()
    organisation = OrganisationFactory(name=f"Evil {SCRIPT} Org")
    author = UserFactory(organisation=organisation, display_name=f"Mallory {IMG}")
    comment = CommentFactory(
        section=section,
        author=author,
        organisation_name=organisation.name,
        body=f"Body {SCRIPT} {JS_LINK} {IMG}",
        quote=f"quote {SCRIPT}",
        proposed_text=f"proposal {SCRIPT} {JS_LINK}",
        proposal_scope="provision",
    )
    reply = CommentFactory(
        section=section,
        author=author,
        parent_id=comment.id,
        root_id=comment.id,
        depth=1,
        body=f"Reply {SCRIPT}",
    )
    ReportFactory(comment=comment, note=f"note {SCRIPT}")
    return section, comment, reply, author


def test_provision_page_escapes_every_field(client, login_as, nasty):
    section, _comment, _reply, _author = nasty
    login_as("moderator", group=section.version.document.group)
    page = client.get(url_of(section)).get_data(as_text=True)
    assert_clean(page)
    assert "&lt;script&gt;" in page  # quote and organisation name: escaped, not dropped
    assert "click me" in page  # the link text survives, the javascript: target does not
    assert "Mallory &lt;img" in page


def test_other_pages_escape_every_field(client, login_as, nasty):
    section, comment, _reply, author = nasty
    version = section.version
    login_as("moderator", group=version.document.group)
    for url in (
        f"/comments/{comment.id}/reply",
        f"/comments/{comment.id}/hide",
        f"/docs/{version.document.slug}/v{version.number}/reports",
        f"/docs/{version.document.slug}/v{version.number}/comments/overview",
    ):
        page = client.get(url).get_data(as_text=True)
        assert_clean(page)
    with client.session_transaction() as session:
        session["_user_id"] = author.get_id()
    for url in ("/me/comments", f"/comments/{comment.id}/edit", f"/comments/{comment.id}/delete"):
        page = client.get(url).get_data(as_text=True)
        assert_clean(page)


def test_history_escapes_old_text(client, login_as, db):
    section = published_section()
    user = login_as("stakeholder")
    comment = CommentFactory(section=section, author=user, body=f"old {SCRIPT} {JS_LINK}")
    client.post(f"/comments/{comment.id}/edit", data={"body": f"new {SCRIPT}"})
    page = client.get(f"/comments/{comment.id}/history").get_data(as_text=True)
    assert "click me" in page
    assert_clean(page)


def test_posted_markup_is_sanitised(client, login_as, db):
    section = published_section()
    login_as("stakeholder")
    client.post(
        url_of(section),
        data={
            "body": f"{SCRIPT} {JS_LINK} <b onclick=x>bold</b>",
            "kind": "general",
            "proposed_text": f"{SCRIPT} {JS_LINK}",
            "proposal_scope": "provision",
        },
    )
    page = client.get(url_of(section)).get_data(as_text=True)
    assert_clean(page)
    assert "<b onclick" not in page and "&lt;b onclick=x&gt;bold" in page


# --- confidentiality ----------------------------------------------------------------------


@pytest.fixture
def secret(db):
    section = published_section()
    author = UserFactory(organisation__category=category("civil-society"))
    public = CommentFactory(section=section, body="A public remark.")
    confidential = CommentFactory(
        section=section,
        author=author,
        body="Commercially sensitive detail.",
        is_confidential=True,
        organisation_name="Whistle Org",
    )
    answer = CommentFactory(
        section=section,
        parent_id=confidential.id,
        root_id=confidential.id,
        depth=1,
        body="Chair's private answer.",
        is_confidential=True,
        author_role="chair",
    )
    return section, author, public, confidential, answer


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("visitor", False),
        ("unverified", False),
        ("stakeholder", False),
        ("member", False),
        ("other_chair", False),
        ("moderator", True),
        ("vice_chair", True),
        ("chair", True),
        ("admin", True),
    ],
)
def test_confidential_comment_visibility(client, login_as, secret, role, sees):
    section, _author, _public, confidential, _answer = secret
    login_as(role, group=section.version.document.group)
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "A public remark." in page
    assert ("Commercially sensitive detail." in page) is sees
    assert ("Chair's private answer." in page) is sees
    assert ("Whistle Org" in page) is sees
    expected = 302 if sees or role == "visitor" else 404  # visitors are asked to sign in
    assert client.get(f"/comments/{confidential.id}").status_code == expected
    reply = client.get(f"/comments/{confidential.id}/reply").status_code
    assert reply == (200 if sees else 302 if role == "visitor" else 404)


def test_author_sees_own_confidential_thread(client, secret):
    section, author, _public, confidential, _answer = secret
    with client.session_transaction() as session:
        session["_user_id"] = author.get_id()
    page = client.get(url_of(section)).get_data(as_text=True)
    assert "Commercially sensitive detail." in page
    assert "Chair's private answer." in page
    assert "Confidential</strong>" in page
    response = client.post(f"/comments/{confidential.id}/reply", data={"body": "Thanks, chair."})
    assert response.status_code == 302
    reply = services.db.session.scalars(
        services.select(services.Comment).where(services.Comment.body == "Thanks, chair.")
    ).one()
    assert reply.is_confidential  # a reply inherits its thread's confidentiality


def test_counts_exclude_confidential_for_the_public(client, login_as, app, secret):
    section, _author, _public, _confidential, _answer = secret
    version = section.version
    assert "1 comment on this provision" in client.get(url_of(section)).get_data(as_text=True)
    public = services.counts_by_category(version)
    assert sum(public[section.id].values()) == 1
    everything = services.counts_by_category(version, public_only=False)
    assert sum(everything[section.id].values()) == 3
    assert category("civil-society").id not in public[section.id]
    overview = f"/docs/{version.document.slug}/v{version.number}/comments/overview"
    page = client.get(overview).get_data(as_text=True)
    assert "1 comment (replies included" in page
    with app.test_request_context():
        data = hooks.collect(
            "version_page", version=version, sections=[section], user=AnonymousUserMixin()
        )
    assert data["comment_totals"] == {section.id: 1}
    assert data["comment_counts"] == public
    assert [c.slug for c in data["comment_categories"]][:2] == ["industry", "sme"]
    login_as("chair", group=version.document.group)
    page = client.get(overview).get_data(as_text=True)
    assert "3 comments (replies included" in page and "2 confidential comments" in page


def test_my_comments_shows_only_mine(client, login_as, secret):
    login_as("stakeholder")
    page = client.get("/me/comments").get_data(as_text=True)
    assert "Commercially sensitive detail." not in page
    assert "You have not commented yet." in page


def test_group_balance_panel_excludes_confidential(client, app, secret):
    section, *_ = secret
    group = section.version.document.group
    with app.test_request_context():
        data = hooks.collect("group_page", group=group, user=AnonymousUserMixin())
    (panel,) = [
        ctx for template, ctx in data["panels"] if template == "comments/_group_balance.html"
    ]
    assert panel["total"] == 1
    shares = {cat.slug: (n, share) for cat, n, share in panel["rows"] if cat is not None}
    assert shares["industry"] == (1, 1.0)
    assert shares["civil-society"] == (0, 0.0)
    page = client.get(f"/groups/{group.slug}/").get_data(as_text=True)
    assert "Comments per stakeholder category" in page
    assert "1 public comment on the published drafts" in page


def test_group_balance_hides_members_only_documents_from_outsiders(client, app, db):
    section = published_section(document__visibility="members")
    CommentFactory(section=section)
    group = section.version.document.group
    with app.test_request_context():
        data = hooks.collect("group_page", group=group, user=AnonymousUserMixin())
    (panel,) = [
        ctx for template, ctx in data["panels"] if template == "comments/_group_balance.html"
    ]
    assert panel["total"] == 0


def test_confidential_comment_cannot_be_reported_or_endorsed_by_others(client, login_as, secret):
    _section, _author, _public, confidential, _answer = secret
    login_as("stakeholder")
    assert (
        client.post(f"/comments/{confidential.id}/report", data={"reason": "spam"}).status_code
        == 404
    )
    response = client.post(f"/comments/{confidential.id}/endorse", data={"stance": "support"})
    assert response.status_code == 404


def test_confidential_comment_not_in_report_csv(client, secret):
    section, *_ = secret
    version = section.version
    response = client.get(f"/docs/{version.document.slug}/v{version.number}/report.csv")
    assert response.status_code == 200
    csv = response.get_data(as_text=True)
    assert "A public remark." in csv
    assert "Commercially sensitive detail." not in csv and "Whistle Org" not in csv
