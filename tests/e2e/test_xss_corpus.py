"""XSS corpus: every payload of data/xss_payloads.txt, stored in every user-text field, is shown
in Chromium under the real Content-Security-Policy without a dialog, a script run or a CSP
violation. The payloads are batched so that about twenty pages show all of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from consult import create_app
from consult.accounts.models import DEFAULT_CATEGORIES, StakeholderCategory
from consult.core.models import AuditEvent
from consult.extensions import db as _db
from tests import factories
from tests.databases import fresh_database
from tests.e2e.conftest import serve

PAYLOADS = [
    line.replace("\\n", "\n")
    for line in (Path(__file__).parent / "data" / "xss_payloads.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
]
SECTIONS = 3
WATCH = """
window.__xss = window.__xss || 0;
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


@dataclass
class Corpus:
    base: str
    admin_email: str
    author_email: str
    pages: list[str] = field(default_factory=list)


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def _all(limit: int | None = None) -> str:
    text = "\n\n".join(PAYLOADS)
    return text[:limit] if limit else text


def _store(app: Any) -> Corpus:
    """Every user-text column gets payloads: long texts all of them, short ones one each."""
    with app.app_context():
        if not _db.session.scalars(select(StakeholderCategory)).first():
            for slug, name, position in DEFAULT_CATEGORIES:
                _db.session.add(StakeholderCategory(slug=slug, name=name, position=position))
            _db.session.flush()
        orgs = [
            factories.OrganisationFactory(name=f"{payload[:180]} {n}")
            for n, payload in enumerate(PAYLOADS[:12])
        ]
        admin = factories.UserFactory(is_admin=True, display_name=PAYLOADS[0][:120], bio=_all())
        group = factories.GroupFactory(name=PAYLOADS[1][:200], mandate=_all(), slug="xss-group")
        factories.MembershipFactory(user=admin, group=group, role="chair")
        document = factories.DocumentFactory(
            group=group, slug="xss-doc", title=PAYLOADS[2][:250], summary=_all()
        )
        version = factories.VersionFactory(
            document=document, number=1, status="editing", changelog=_all()
        )
        sections = [
            factories.SectionFactory(
                version=version,
                provision=factories.ProvisionFactory(document_id=document.id, key=f"c1-m{n}"),
                position=n,
                number=f"1.{n}",
                heading=PAYLOADS[n][:300],
                body=_all(),  # imported Markdown
            )
            for n in range(SECTIONS)
        ]
        version.status = "published"
        _db.session.flush()
        comments = []
        for n, payload in enumerate(PAYLOADS):
            author = factories.UserFactory(
                display_name=payload[:120], bio=payload, organisation=orgs[n % len(orgs)]
            )
            comment = factories.CommentFactory(
                section=sections[n % SECTIONS], author=author, body=payload, quote=payload,
                proposed_text=payload, proposal_scope="provision",
            )  # fmt: skip
            comments.append(comment)
            if n % 7 == 0:
                factories.CommentFactory(
                    section=comment.section, author=admin, body=payload,
                    parent_id=comment.id, root_id=comment.id,
                )  # fmt: skip
            if n % 2 == 0:
                factories.DispositionFactory(comment=comment, outcome="rejected", rationale=payload)
            if n % 5 == 0:
                factories.ReportFactory(comment=comment, note=payload)
            if n % 9 == 0:
                factories.MembershipFactory(
                    user=author, group=group, status="requested", decided_at=None,
                    statement=payload,
                )  # fmt: skip
            _db.session.add(
                AuditEvent(actor_id=admin.id, action="xss.test", object_type="comment",
                           object_id=comment.id, summary=payload)
            )  # fmt: skip
        _db.session.commit()
        slug = document.slug
        pages = [
            "/",
            "/groups/",
            f"/groups/{group.slug}/",
            f"/groups/{group.slug}/requests",
            f"/docs/{slug}/v1/",
            f"/docs/{slug}/versions/",
            f"/docs/{slug}/v1/report",
            f"/docs/{slug}/v1/triage",
            f"/docs/{slug}/v1/reports",
            f"/docs/{slug}/v1/comments/overview",
            *[f"/docs/{slug}/v1/c1-m{n}/" for n in range(SECTIONS)],
            f"/comments/{comments[0].id}/reply",
            f"/comments/{comments[0].id}/history",
            f"/docs/{slug}/v1/triage/{comments[1].id}",
            *[f"/organisations/{org.id}" for org in orgs[:3]],
            "/admin/users",
            "/admin/organisations",
            "/admin/audit",
            f"/admin/users/{comments[3].author_id}",
            "/me/profile",
            "/me/comments",
        ]
        corpus = Corpus("", admin.email, comments[0].author.email, pages)
        _db.session.remove()
        _db.engine.dispose()
    return corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with fresh_database("consult_xss", tmp_path_factory.mktemp("xss")) as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            _db.create_all()  # quicker than the migrations, which test_migrations covers
        stored = _store(app)
        server, base = serve(url, tmp_path_factory, demo=False, migrate=False)
        try:
            stored.base = base
            yield stored
        finally:
            server.terminate()
            server.wait(timeout=10)


def _bad(message: Any) -> bool:
    # A Markdown image of a payload (`![x](x)`) asks the site for "x": a 404, not a script.
    return bool(message.type == "error" and "Failed to load resource" not in message.text)


def _visit(browser: Any, corpus: Corpus, email: str | None, pages: list[str]) -> list[str]:
    context = browser.new_context(base_url=corpus.base)
    context.add_init_script(WATCH)
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog {d.message!r}"), d.dismiss()))
    page.on("pageerror", lambda exc: problems.append(f"page error {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.text}") if _bad(msg) else None)
    try:
        if email:
            page.goto("/login")
            page.get_by_label("E-mail address").fill(email)
            page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status == 200, (path, response)
            page.wait_for_timeout(50)  # autofocus and load handlers would have fired by now
            if page.evaluate("window.__xss"):
                problems.append(f"script ran on {path}")
            problems += [f"CSP {v} on {path}" for v in page.evaluate("window.__violations")]
    finally:
        context.close()
    return problems


def test_every_payload_stays_text_for_a_visitor_and_an_administrator(browser, corpus):
    # An administrator sees every page; a visitor's versions differ only around the comments.
    public = [corpus.pages[0], *[p for p in corpus.pages if p.endswith("/c1-m0/")]]
    problems = _visit(browser, corpus, None, public)
    problems += _visit(browser, corpus, corpus.admin_email, corpus.pages)
    assert not problems, problems


def test_payloads_in_a_person_s_own_pages(browser, corpus):
    problems = _visit(browser, corpus, corpus.author_email, ["/me/profile", "/me/comments"])
    assert not problems, problems
