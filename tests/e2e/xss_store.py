"""Storing the XSS corpus as an attacker would: through the site's own forms, page by page, as
each kind of person allowed to use them. Only the scaffolding nobody can type (the people, a
working group, a published document, an organisation, and the organisation's verification and
AI Pact status, which administrators decide elsewhere) comes from factories, with plain text."""

from __future__ import annotations

import io
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
            except Exception as error:  # every step is tried: all failures shown
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
    outcome = admin.submit("/admin/audit", "/admin/audit", {"action": ""}, method="get")
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
    person("admin").submit(
        f"/groups/{slug}/roles", f"/groups/{slug}/chairs", {"email": "nobody@x.org"}, expect=False
    )
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
    reply = next(c for c in _comment_ids(run) if c not in ids)
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
    page = f"/docs/xss-doc/v1/c1-m{3 % SECTIONS}/"  # comment 3 went there
    person("stakeholder").submit(page, f"/comments/{ids[3]}/endorse", expect=False)


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
    chair.submit("/desk", "/desk/distribute", expect=False)


@step
def similar(run: Run, person: Person) -> None:
    """A campaign: three people post near-identical text; a chair names the campaign, marks
    duplicates and gives the group one disposition, each with payloads."""
    from consult.moderation.clustering import NEAR
    from consult.moderation.grouping_models import SimilarityGroup

    page = "/docs/xss-doc/v1/c1-m1/"
    campaign = " ".join(p.replace("\n", " ") for p in PAYLOADS[20:32])
    for n, role in enumerate(("stakeholder", "member", "representative")):
        text = f"We ask the chairs to keep the measure as drafted. {campaign} Signed {n}."
        person(role).submit(page, page, {"body": text}, payloads=False)
    chair = person("chair")
    chair.submit("/docs/xss-doc/v1/triage/similar", "/docs/xss-doc/v1/triage/similar",
                 payloads=False)  # fmt: skip
    group = run.one(select(SimilarityGroup.id).where(SimilarityGroup.level == NEAR))
    assert group, "no near-identical group found"
    here = f"/docs/xss-doc/v1/triage/similar/{group}"
    chair.submit(here, f"{here}/campaign", {"camp-is_campaign": "y"})
    chair.submit(here, f"{here}/dispose", {"all-outcome": "noted"})
    chair.submit(here, f"{here}/duplicates")
    run.show("chair", "/docs/xss-doc/v1/triage/similar", here)
    run.show("anonymous", page)


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
    person("representative").submit(page, page + "approve", expect=False)
    run.show("representative", page, f"/workspace/drafts/{drafts[0]}")


@step
def email_boxes(run: Run, person: Person) -> None:
    """E-mail boxes refuse the payloads, and show them back in the refused form."""
    visitor = person("anonymous")
    visitor.submit("/login", "/login", {"email": None, "password": "wrong"}, expect=False)
    visitor.submit("/reset", "/reset", expect=False)
    member = person("member")
    member.submit("/me/account", "/me/account/email", {"password": "wrong"}, expect=False)
    fresh = Attacker(run.app.test_client(), run.corpus, run)
    fresh.sign_in("xss-signup@example.org", factories.PASSWORD)  # not verified yet
    fresh.submit("/me/profile", "/verify/resend", expect=False)
    # A visitor (signed out) with a broken link asks for a new one by address.
    stranger = Attacker(run.app.test_client(), run.corpus, run)
    stranger.submit("/verify/not-a-token", "/verify/resend", expect=False)


def _markdown(run: Run, label: str, keys: bool = False) -> str:
    """A document of two commitments and three measures, payloads in headings and text."""
    lines = []
    for n in range(1, 3):
        heading, _ = run.corpus.take(f"{label}:heading", 200, True)
        explicit = f" {{#c{n}}}" if keys else ""
        lines += [f"## Commitment {n}: {heading.replace('#', '')}{explicit}"]
        run.corpus.advance(f"{label}:heading", _)
        for m in range(1, 3 if n == 1 else 2):
            body, used = run.corpus.take(f"{label}:body", 2500, False)
            run.corpus.advance(f"{label}:body", used)
            body = "\n".join(line.lstrip("#") for line in body.splitlines())
            key = f" {{#c{n}-m{m}}}" if keys else ""
            lines += ["", f"### Measure {n}.{m} Payload measure{key}", "", body, ""]
    return "\n".join(lines)


@step
def drafting(run: Run, person: Person) -> None:
    chair = person("chair")
    chair.submit("/docs/new", "/docs/new", {"slug": "xss-draft"})
    chair.submit("/docs/xss-draft/import", "/docs/xss-draft/import",
                 {"text": _markdown(run, "import")}, skip=("text",))  # fmt: skip
    from consult.drafts.models import Section, Version

    version = run.one(select(Version.id).where(Version.number == 1).order_by(Version.id.desc()))
    sections = run_all(run, select(Section.id).where(Section.version_id == version))
    assert sections, "the import stored no section"
    page = f"/docs/xss-draft/v1/sections/{sections[-1]}/edit"
    chair.submit(page, page, {"number": "1.2"})
    chair.submit("/docs/xss-draft/v1/sections/new", "/docs/xss-draft/v1/sections/new",
                 {"number": ""}, expect=False)  # fmt: skip
    chair.submit("/docs/xss-draft/v1/publish", "/docs/xss-draft/v1/publish")
    later = (utcnow() + timedelta(days=45)).strftime("%Y-%m-%dT%H:%M")
    chair.submit("/docs/xss-draft/v1/window", "/docs/xss-draft/v1/window", {"closes_at": later})
    chair.submit("/docs/xss-draft/v1/translations", "/docs/xss-draft/v1/translations",
                 {"text": _markdown(run, "translation", keys=True)}, skip=("text",),
                 expect=False)  # fmt: skip
    run.show("anonymous", "/docs/xss-draft/v1/", "/docs/xss-draft/versions/", "/docs/xss-draft/")
    run.show("chair", "/docs/xss-draft/v1/window", "/docs/xss-draft/v1/translations")


def run_all(run: Run, statement: Any) -> list[Any]:
    with run.app.app_context():
        found = list(_db.session.execute(statement).scalars())
        _db.session.remove()
    return found


@step
def revising(run: Run, person: Person) -> None:
    from consult.drafts.models import Section
    from consult.moderation.models import Revision

    chair = person("chair")
    chair.submit("/docs/xss-doc/v1/triage", "/docs/xss-doc/v1/revisions", expect=False)
    revision = run.one(select(Revision.id).order_by(Revision.id.desc()))
    assert revision, "no revision opened"
    base = f"/docs/xss-doc/revisions/{revision}"
    version = run.one(select(Revision.version_id).where(Revision.id == revision))
    sections = run_all(run, select(Section.id).where(Section.version_id == version))
    page = f"{base}/provisions/{sections[0]}/"
    other = {"other_comments": "", "remove-other_comments": ""}  # numbers only, echoed if refused
    chair.submit(page, page, {"number": "1.0", **other})
    chair.submit(f"{base}/add", f"{base}/add", {"kind": "measure", "number": "1.9", **other})
    page = f"{base}/provisions/{sections[1]}/move"
    chair.submit(page, page, other)
    chair.submit(f"{base}/provisions/{sections[2]}/", f"{base}/provisions/{sections[2]}/remove",
                 {**other, "remove-confirm": "y"})  # fmt: skip
    anyway = {"publish_anyway": "y", "close_open_window": "y"}
    chair.submit(f"{base}/publish", f"{base}/publish", anyway)
    run.show("anonymous", "/docs/xss-doc/v2/", "/docs/xss-doc/versions/")
    run.show("chair", f"{base}/", "/docs/xss-doc/compare/v1...v2")


@step
def events(run: Run, person: Person) -> None:
    from consult.events.models import Event, Question, QuestionReport

    chair = person("chair")
    start = utcnow() + timedelta(days=5)
    times = {
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "online_url": "https://meet.example/xss",
        "kind": "meeting",
        "access": "verified",
        "capacity": "",
    }
    chair.submit("/events/groups/xss-group/new", "/events/groups/xss-group/new", times)
    event = run.one(select(Event.id).order_by(Event.id))
    assert event, "no event stored"
    chair.submit(f"/events/{event}/edit", f"/events/{event}/edit", times)
    member = person("member")
    member.submit(f"/events/{event}", f"/events/{event}/register", payloads=False)
    for _ in range(2):
        member.submit(f"/events/{event}", f"/events/{event}/questions")
    questions = run_all(run, select(Question.id).order_by(Question.id))
    person("stakeholder").submit(
        f"/events/questions/{questions[0]}/report", f"/events/questions/{questions[0]}/report"
    )
    reports = run_all(run, select(QuestionReport.id))
    assert reports, "no question report stored"
    chair.submit(
        f"/events/question-reports/{reports[0]}/uphold",
        f"/events/question-reports/{reports[0]}/uphold",
    )
    page = f"/events/questions/{questions[1]}/manage"
    chair.submit(page, page, expect=False)
    links = {"recording_url": "https://video.example/x", "slides_url": "https://slides.example/x"}
    chair.submit(f"/events/{event}/outcome", f"/events/{event}/outcome", links)
    chair.submit(f"/events/{event}/cancel", f"/events/{event}/cancel")
    run.show("anonymous", f"/events/{event}")
    # An invitation-only meeting: the chair invites by address (payloads first, then a member).
    chair.submit("/events/groups/xss-group/new", "/events/groups/xss-group/new",
                 {**times, "access": "invitation", "agenda": "Welcome\nQuestions"})  # fmt: skip
    closed = run.one(select(Event.id).where(Event.access == "invitation"))
    assert closed, "no invitation-only event stored"
    # Payload addresses belong to nobody: refused beside the box, shown back as typed.
    chair.submit(f"/events/{closed}", f"/events/{closed}/invite", expect=False)
    chair.submit(f"/events/{closed}", f"/events/{closed}/invite",
                 {"email": run.emails["member"]}, payloads=False)  # fmt: skip
    run.show("member", f"/events/{closed}")
    run.show("chair", f"/events/{event}", "/events/groups/xss-group/question-reports")


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scaffold_signatory(run: Run) -> None:
    """What administrators decide elsewhere: the organisation verified and in the AI Pact; and
    time passing: the draft's consultation has closed (a version is adopted only then)."""
    from sqlalchemy import update

    from consult.accounts.models import Organisation
    from consult.adoption import pledges
    from consult.drafts.models import Document, Version

    with run.app.app_context():
        draft = select(Document.id).where(Document.slug == "xss-draft").scalar_subquery()
        _db.session.execute(
            update(Version)
            .where(Version.document_id == draft, Version.number == 1)
            .values(opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(hours=1))
        )
        organisation = _db.session.get(Organisation, run.ids["organisation"])
        assert organisation is not None
        organisation.verified_at = organisation.pact_verified_at = utcnow()
        organisation.pact_status = "pillar_ii"
        pledges.ensure_core_commitments()
        _db.session.commit()
        _db.session.remove()


@step
def adoption(run: Run, person: Person) -> None:
    """A chapter adopted, a code defined and signed with a signed PDF, verified, reported on,
    withdrawn; the adoption withdrawn too. Every text on the way gets payloads."""
    from consult.adoption.models import Adoption, SignatoryReport, Signature
    from consult.drafts.models import Document

    _scaffold_signatory(run)
    admin, chair, representative = person("admin"), person("chair"), person("representative")
    today = utcnow().date().isoformat()
    chair.submit("/docs/xss-draft/v1/adopt", "/docs/xss-draft/v1/adopt",
                 {"adopted_on": today, "link": "https://example.org/decision"})  # fmt: skip
    adopted = run.one(select(Adoption.id))
    assert adopted, "no adoption stored"
    admin.submit("/admin/adoption", f"/adoptions/{adopted}/confirm", payloads=False)
    chapter = run.one(select(Document.id).where(Document.slug == "xss-draft"))
    admin.submit("/code/new", "/code/new", {"slug": "xss-code", "chapters": str(chapter)})
    admin.submit("/code/xss-code/schedule", "/code/xss-code/schedule", {"report_months": "6"},
                 payloads=False)  # fmt: skip
    representative.submit("/code/xss-code/sign", "/code/xss-code/sign",
                          {"chapters": str(chapter)},
                          files={"pdf": (_pdf(), "signed.pdf")})  # fmt: skip
    signature = run.one(select(Signature.id))
    assert signature, "no signature stored"
    page = f"/signatures/{signature}"
    admin.submit(page, f"{page}/verify", payloads=False)
    report = f"{page}/report/{chapter}"
    representative.submit(report, report)
    filed = run.one(select(SignatoryReport.id))
    assert filed, "no signatory report stored"
    run.show("anonymous", "/code/xss-code/", "/code/xss-code/signatories", page,
             f"/signatory-reports/{filed}", "/docs/xss-draft/v1/")  # fmt: skip
    representative.submit(page, f"{page}/withdraw")
    chair.submit(f"/adoptions/{adopted}/withdraw", f"/adoptions/{adopted}/withdraw")
    run.show("admin", "/admin/adoption")
    admin.submit("/admin/adoption", f"/adoptions/{adopted}/withdraw/confirm", payloads=False)
    run.show("representative", page)


@step
def pact(run: Run, person: Person) -> None:
    """An AI Pact pledge and its progress report, on commitments an administrator added."""
    from consult.adoption.models import ImplementationReport, Pledge, ReportRound

    admin, representative = person("admin"), person("representative")
    admin.submit("/admin/adoption", "/admin/adoption/commitments", {"key": "xss_one"})
    later = (utcnow() + timedelta(days=30)).date().isoformat()
    admin.submit("/admin/adoption", "/admin/adoption/rounds", {"due_on": later})
    representative.submit("/pact/pledge", "/pact/pledge")
    pledge = run.one(select(Pledge.id))
    assert pledge, "no pledge stored"
    round_ = run.one(select(ReportRound.id))
    assert round_, "no report round stored"
    page = f"/pact/rounds/{round_}/report"
    representative.submit(page, page)
    report = run.one(select(ImplementationReport.id))
    assert report, "no progress report stored"
    run.show("anonymous", "/pact/pledges", f"/pact/pledges/{pledge}", f"/pact/reports/{report}")
