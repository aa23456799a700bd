"""Storing the XSS corpus as an attacker would: through the site's own forms, page by page, as
each kind of person allowed to use them. Only the scaffolding nobody can type (the people, a
working group, a published document, an organisation) comes from factories, with plain text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from consult.accounts.models import DEFAULT_CATEGORIES, StakeholderCategory
from consult.db import utcnow
from consult.extensions import db as _db
from tests import factories
from tests.e2e.xss_forms import (
    PAYLOADS,
    Attacker,
    Corpus,
    Seen,
    dangerous_markup,
    watching_forms,
)

SECTIONS = 3


@dataclass
class Run:
    """Everything the attack did and saw: posted fields, refusals, server errors, markup."""

    app: Flask
    corpus: Corpus
    requests: list[Seen] = field(default_factory=list)
    posted: dict[str, bool] = field(default_factory=dict)  # field key -> ever accepted
    refusals: dict[str, set[str]] = field(default_factory=dict)  # field key -> messages
    problems: list[str] = field(default_factory=list)
    pages: dict[str, list[str]] = field(default_factory=dict)  # role -> paths to show
    emails: dict[str, str] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    count: int = 0

    def request(
        self, client: FlaskClient, method: str, path: str, data: dict[str, Any] | None
    ) -> tuple[int, str, str, Seen]:
        seen = Seen()
        self.requests.append(seen)
        self.count += 1
        if method == "GET":
            response = client.get(path, query_string=data)
        else:
            response = client.post(path, data=data)
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        if response.status_code >= 500:
            self.problems.append(f"{response.status_code} from {method} {path}")
        self.problems += [f"{method} {path}: {m}" for m in dangerous_markup(html)]
        accepted = response.status_code in (302, 303) or (
            response.status_code == 200 and all(seen.validated.values())
        )
        for key in seen.posted:
            self.posted[key] = self.posted.get(key, False) or accepted
            if key in seen.errors:
                self.refusals.setdefault(key, set()).update(seen.errors[key])
        return response.status_code, response.headers.get("Location", ""), html, seen

    def refusal(self, target: str, outcome: Any, chosen: dict[str, str]) -> None:
        pass  # recorded per field by request(); kept for the attacker's interface

    def show(self, role: str, *paths: str) -> None:
        self.pages.setdefault(role, []).extend(p for p in paths if p not in self.pages[role])

    def one(self, statement: Any) -> Any:
        with self.app.app_context():
            value = _db.session.execute(statement).scalars().first()
            _db.session.remove()
            return value


def _scaffold(app: Flask) -> dict[str, Any]:
    """People and the consulted document, with plain text: the forms bring the payloads."""
    with app.app_context():
        if not _db.session.scalars(select(StakeholderCategory)).first():
            for slug, name, position in DEFAULT_CATEGORIES:
                _db.session.add(StakeholderCategory(slug=slug, name=name, position=position))
            _db.session.flush()
        group = factories.GroupFactory(slug="xss-group", name="XSS working group")
        people: dict[str, Any] = {"admin": factories.UserFactory(is_admin=True)}
        for role in ("chair", "moderator", "member"):
            people[role] = factories.UserFactory()
            factories.MembershipFactory(user=people[role], group=group, role=role)
        organisation = factories.OrganisationFactory(name="Plain organisation")
        people["representative"] = factories.UserFactory(
            organisation=organisation, tie__representative=True
        )
        people["colleague"] = factories.UserFactory(organisation=organisation)
        people["stakeholder"] = factories.UserFactory()
        people["erased"] = factories.UserFactory()
        document = factories.DocumentFactory(group=group, slug="xss-doc", title="XSS document")
        version = factories.VersionFactory(document=document, number=1, status="editing")
        for n in range(SECTIONS):
            factories.SectionFactory(
                version=version,
                provision=factories.ProvisionFactory(document_id=document.id, key=f"c1-m{n}"),
                position=n,
                number=f"1.{n}",
            )
        version.status = "published"
        _db.session.commit()
        ids = {
            "emails": {role: user.email for role, user in people.items()},
            "users": {role: user.id for role, user in people.items()},
            "organisation": organisation.id,
            "group": group.id,
            "category": factories.category("academia").id,
        }
        _db.session.remove()
    return ids


def store(app: Flask) -> Run:
    """Post the corpus through every form; the Run says what was posted and what to show."""
    run = Run(app, Corpus(PAYLOADS))
    scaffold = _scaffold(app)
    run.emails = scaffold["emails"]
    run.ids = dict(scaffold)
    people: dict[str, Attacker] = {}

    def person(role: str) -> Attacker:
        if role not in people:
            people[role] = Attacker(app.test_client(), run.corpus, run)
            if role != "anonymous":
                people[role].sign_in(run.emails[role], factories.PASSWORD)
        return people[role]

    with watching_forms(run.corpus.is_payload) as requests:
        run.requests = requests
        for step in STEPS:
            try:
                step(run, person)
            except Exception as error:  # noqa: BLE001 - every step is tried; all failures shown
                run.problems.append(f"step {step.__name__}: {type(error).__name__}: {error}")
    return run


Person = Callable[[str], Attacker]
STEPS: list[Callable[[Run, Person], None]] = []


def step(fn: Callable[[Run, Person], None]) -> Callable[[Run, Person], None]:
    STEPS.append(fn)
    return fn


def _id(path: str) -> int:
    found = re.search(r"/(\d+)(?:/|$)", path)
    assert found, path
    return int(found.group(1))


# --- Accounts -------------------------------------------------------------------------------


@step
def signup(run: Run, person: Person) -> None:
    visitor = person("anonymous")
    visitor.submit(
        "/signup",
        "/signup",
        {
            "email": "xss-signup@example.org",
            "affiliation": "new",
            "org_country": "BE",
            "org_category": str(run.ids["category"]),
            "password": factories.PASSWORD,
            "password_confirm": factories.PASSWORD,
        },
        skip=("password", "password_confirm"),
    )


@step
def profiles(run: Run, person: Person) -> None:
    for role in ("stakeholder", "member", "representative", "colleague", "moderator", "chair"):
        person(role).submit("/me/profile", "/me/profile")
        run.show(role, "/me/profile")
    person("admin").submit("/me/profile", "/me/profile")


@step
def admin_pages(run: Run, person: Person) -> None:
    admin = person("admin")
    admin.submit("/admin/categories", "/admin/categories")
    admin.submit("/admin/categories", r"/admin/categories/\d+/rename")
    organisation = run.ids["organisation"]
    admin.submit(f"/admin/organisations/{organisation}", f"/admin/organisations/{organisation}")
    erased = run.ids["users"]["erased"]
    admin.submit(f"/admin/users/{erased}/erase", f"/admin/users/{erased}/erase")
    # Search boxes echo what was typed: the pages with the query are shown in the browser.
    for page in ("/admin/users", "/admin/organisations", "/admin/audit"):
        outcome = admin.submit(page, page, method="get")
        run.show("admin", outcome.url)
    run.show("admin", "/admin/", "/admin/categories", f"/admin/organisations/{organisation}")
    run.show("admin", f"/admin/users/{run.ids['users']['stakeholder']}")


@step
def organisation_pages(run: Run, person: Person) -> None:
    organisation = run.ids["organisation"]
    representative = person("representative")
    page = f"/organisations/{organisation}/edit"
    representative.submit(page, page)
    representative.submit(
        f"/organisations/{organisation}",
        f"/organisations/{organisation}/domains",
        {"domain": "xss.example.org"},
    )
    run.show("representative", f"/organisations/{organisation}")
    run.show("anonymous", f"/organisations/{organisation}")


@step
def api_tokens(run: Run, person: Person) -> None:
    person("member").submit("/me/profile", "/me/tokens", expect=False)


@step
def groups(run: Run, person: Person) -> None:
    slug = "xss-group"
    for role in ("stakeholder", "colleague"):
        person(role).submit(f"/groups/{slug}/join", f"/groups/{slug}/join")
    chair = person("chair")
    request = run.one(
        select(factories.Membership.id).where(
            factories.Membership.user_id == run.ids["users"]["colleague"]
        )
    )
    chair.submit(f"/groups/{slug}/requests/{request}", rf"/groups/{slug}/requests/\d+/decline")
    chair.submit(f"/groups/{slug}/settings", f"/groups/{slug}/settings")
    chair.submit(f"/groups/{slug}/roles", f"/groups/{slug}/chairs", {"email": "nobody@x.org"},
                 expect=False)  # fmt: skip
    run.show("chair", f"/groups/{slug}/requests", f"/groups/{slug}/")
    run.show("anonymous", "/groups/", f"/groups/{slug}/")


@step
def updates(run: Run, person: Person) -> None:
    person("anonymous").submit("/updates/", "/updates/", {"email": "xss-updates@example.org"})


@step
def comments(run: Run, person: Person) -> None:
    authors = ("stakeholder", "member", "representative", "colleague")
    for n in range(2 * SECTIONS):
        page = f"/docs/xss-doc/v1/c1-m{n % SECTIONS}/"
        person(authors[n % len(authors)]).submit(page, page)
    ids = _comment_ids(run)
    assert len(ids) >= 2 * SECTIONS, ids
    run.ids["comments"] = ids
    member, chair = person("member"), person("chair")
    for comment in ids[:2]:
        chair.submit(f"/comments/{comment}/reply", f"/comments/{comment}/reply")
    first = ids[0]
    author = person("stakeholder")
    author.submit(f"/comments/{first}/edit", f"/comments/{first}/edit")
    reply = [c for c in _comment_ids(run) if c not in ids][0]
    chair.submit(f"/comments/{reply}/edit", f"/comments/{reply}/edit")
    for comment in ids[:3]:
        member.submit(f"/comments/{comment}/report", f"/comments/{comment}/report")
    moderator = person("moderator")
    moderator.submit(f"/comments/{ids[1]}/hide", f"/comments/{ids[1]}/hide")
    person("member").submit(f"/comments/{ids[1]}/review", f"/comments/{ids[1]}/review")
    moderator.submit(f"/comments/{ids[1]}/review/decide", f"/comments/{ids[1]}/review/decide",
                     expect=False)  # fmt: skip
    run.show("anonymous", *[f"/docs/xss-doc/v1/c1-m{n}/" for n in range(SECTIONS)])
    run.show("moderator", *[f"/docs/xss-doc/v1/c1-m{n}/" for n in range(SECTIONS)])
    run.show("moderator", "/docs/xss-doc/v1/reports", f"/comments/{first}/history")
    run.show("stakeholder", "/me/comments")


def _comment_ids(run: Run) -> list[int]:
    from consult.comments.models import Comment

    with run.app.app_context():
        found = list(_db.session.scalars(select(Comment.id).order_by(Comment.id)))
        _db.session.remove()
    return found


@step
def reports(run: Run, person: Person) -> None:
    from consult.comments.models import CommentReport as Report

    moderator = person("moderator")
    with run.app.app_context():
        found = list(_db.session.scalars(select(Report.id).order_by(Report.id)))
        _db.session.remove()
    assert found, "no reports stored"
    moderator.submit(f"/reports/{found[0]}/uphold", f"/reports/{found[0]}/uphold")


@step
def triage(run: Run, person: Person) -> None:
    chair = person("chair")
    ids = run.ids["comments"]
    for comment in ids[2:5]:
        page = f"/docs/xss-doc/v1/triage/{comment}"
        chair.submit(page, page)
    chair.submit("/docs/xss-doc/v1/triage", "/docs/xss-doc/v1/triage",
                 {"comment_ids": str(ids[5])}, expect=False)  # fmt: skip
    chair.submit("/docs/xss-doc/v1/triage/similar", "/docs/xss-doc/v1/triage/similar",
                 expect=False)  # fmt: skip
    run.show("chair", "/docs/xss-doc/v1/triage", f"/docs/xss-doc/v1/triage/{ids[2]}")
    run.show("chair", "/docs/xss-doc/v1/report", "/docs/xss-doc/v1/comments/overview", "/desk")


@step
def workspace(run: Run, person: Person) -> None:
    from consult.comments.workspace_models import WorkspaceDraft as Draft

    organisation = run.ids["organisation"]
    page = f"/organisations/{organisation}/workspace/xss-doc/v1/"
    colleague = person("colleague")
    colleague.submit(page, page, {"quote": ""})
    with run.app.app_context():
        drafts = list(_db.session.scalars(select(Draft.id).order_by(Draft.id)))
        _db.session.remove()
    assert drafts, "no workspace draft stored"
    person("representative").submit(
        f"/workspace/drafts/{drafts[0]}", f"/workspace/drafts/{drafts[0]}/notes"
    )
    run.show("representative", page, f"/workspace/drafts/{drafts[0]}")
