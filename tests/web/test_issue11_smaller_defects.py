"""Issue 11 part 8: excerpts render Markdown, report numbers link, unknown threads, queue titles."""

from __future__ import annotations

from consult.comments.models import Comment
from consult.moderation import revisions
from tests import factories
from tests.web.test_moderation_support import build_consultation, login

MARKDOWN = "We **strongly** support *this* measure, see `Article 53`."
RENDERED = "<strong>strongly</strong> support <em>this</em> measure"


def _markdown_consultation():
    c = build_consultation(comments=1, body=MARKDOWN)
    return c, c.comments[0]


def _assert_rendered(page: str) -> None:
    assert RENDERED in page
    assert "<code>Article 53</code>" in page
    assert "**strongly**" not in page and "*this*" not in page


def test_report_excerpt_renders_markdown_and_number_links_to_the_comment(client, db):
    c, comment = _markdown_consultation()
    page = client.get(c.url("report")).get_data(as_text=True)
    _assert_rendered(page)
    assert f'href="/comments/{comment.id}">#{comment.id}</a>' in page


def test_triage_excerpt_renders_markdown(client, db):
    c, _comment = _markdown_consultation()
    login(client, c.moderator)
    _assert_rendered(client.get(c.url("triage")).get_data(as_text=True))


def test_my_comments_excerpt_renders_markdown(client, db):
    _c, comment = _markdown_consultation()
    login(client, comment.author)
    _assert_rendered(client.get("/me/comments").get_data(as_text=True))


def test_revision_workspace_excerpt_renders_markdown(client, db):
    c, _comment = _markdown_consultation()
    revision = revisions.open_revision(c.version, user=c.chair)
    login(client, c.chair)
    page = client.get(f"/docs/{c.slug}/revisions/{revision.id}/").get_data(as_text=True)
    _assert_rendered(page)


def test_excerpt_markdown_stays_bleached(client, db):
    c = build_consultation(
        comments=1, body="<script>alert(1)</script> [x](javascript:alert(1)) **ok**"
    )
    page = client.get(c.url("report")).get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "<strong>ok</strong>" in page


def test_unknown_thread_says_it_does_not_exist(client, db):
    c = build_consultation(comments=1)
    url = f"/docs/{c.slug}/v1/{c.sections[0].provision.key}/"
    missing = db.session.query(db.func.max(Comment.id)).scalar() + 1000
    page = client.get(f"{url}?thread={missing}").get_data(as_text=True)
    assert f"Thread #{missing} does not exist" in page
    assert "No comments on this provision yet" not in page
    shown = client.get(f"{url}?thread={c.comments[0].id}").get_data(as_text=True)
    assert "does not exist" not in shown


def test_reports_queue_names_the_provision_by_title(client, db):
    c = build_consultation(comments=1)
    factories.ReportFactory(comment=c.comments[0])
    db.session.flush()
    login(client, c.moderator)
    page = client.get(c.url("reports")).get_data(as_text=True)
    assert "Measure 1.1: Measure heading 1" in page
    assert "provision c1-m1" not in page


def test_version_page_revision_links_read_differently(client, db):
    c = build_consultation(comments=1)
    revision = revisions.open_revision(c.version, user=c.chair)
    login(client, c.chair)
    page = client.get(f"/docs/{c.slug}/v1/").get_data(as_text=True)
    assert "Edit the draft of version 2 (revision in progress)" in page
    assert "Revision workspace preparing" not in page
    revisions.publish_revision(
        revision,
        user=c.chair,
        changelog="Clearer.",
        opens_at=None,
        closes_at=None,
        publish_anyway=True,
        close_open_window=True,
    )
    login(client, c.chair)
    page = client.get(f"/docs/{c.slug}/v2/").get_data(as_text=True)
    assert "How version 2 was revised from version 1" in page
    assert "Revision workspace of this version" not in page


def test_home_page_names_the_working_group(client, db):
    c = build_consultation(comments=0)  # open for comment (factory window)
    page = client.get("/").get_data(as_text=True)
    assert (
        f'Drafted by <a class="govuk-link" href="/groups/{c.group.slug}/">{c.group.name}</a>'
        in page
    )
    assert f"by {c.group.name}</span>" in page  # recently published
