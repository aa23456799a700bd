"""Deterministic data at the scale of a real code of practice, loaded with Core bulk inserts."""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import accumulate, islice, pairwise
from typing import Any, cast

from sqlalchemy import Table, func, insert, inspect, select, text

from bench import words
from consult.accounts.models import (
    CONFIRMED_BY_ADMIN,
    CONFIRMED_BY_REPRESENTATIVE,
    DEFAULT_CATEGORIES,
    TIE_CONFIRMED,
    Organisation,
    OrganisationMembership,
    StakeholderCategory,
    User,
)
from consult.comments.counts import recount as recount_comments
from consult.comments.models import Comment, CommentReport, CommentRevision, Endorsement
from consult.drafts.models import Document, Provision, ProvisionKey, Section, Version
from consult.events.models import AgendaItem, Event, Question, QuestionSupport, Registration
from consult.extensions import db
from consult.groups.models import Membership, WorkingGroup
from consult.moderation.models import Change, ChangeComment, Disposition, DispositionRecord
from consult.moderation.models import Revision as RevisionModel
from consult.search.indexing import reindex as reindex_search

logger = logging.getLogger(__name__)

BATCH = 5_000
PASSWORD = "bench-password-123"  # every generated account signs in with it
DEFAULT_SEED = 20261121
EMAIL_DOMAIN = "bench.example"
GROUPS = (
    ("wg1-transparency-copyright", "Working group 1: transparency and copyright"),
    ("wg2-risk-assessment", "Working group 2: risk assessment for systemic risk"),
    ("wg3-technical-mitigation", "Working group 3: technical risk mitigation"),
    ("wg4-governance", "Working group 4: internal risk management and governance"),
)
# (slug, title, index of the group in GROUPS)
DOCUMENTS = (
    ("gpai-transparency", "Transparency chapter of the code of practice", 0),
    ("gpai-copyright", "Copyright chapter of the code of practice", 0),
    ("gpai-safety-security", "Safety and security chapter of the code of practice", 1),
)
THREAD_KEY = "c1-m1"  # the provision of the first document whose latest version has the big thread
SEARCH_QUERY = "training data"  # two common words of the vocabulary: thousands of matches
CATEGORY_WEIGHTS = {
    "industry": 30,
    "sme": 22,
    "academia": 16,
    "civil-society": 20,
    "open-source": 12,
}
COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]
ORG_PREFIX = [
    "Nordic",
    "Alpine",
    "Atlantic",
    "Baltic",
    "Danube",
    "Iberian",
    "Rhine",
    "Adriatic",
    "Carpathian",
    "Celtic",
]
ORG_CORE = [
    "Data",
    "Model",
    "Neural",
    "Open",
    "Civic",
    "Digital",
    "Learning",
    "Signal",
    "Vector",
    "Compute",
    "Rights",
    "Media",
    "Code",
    "Language",
    "Vision",
    "Trust",
    "Policy",
    "Research",
    "Systems",
    "Robotics",
]
ORG_SUFFIX = {
    "industry": ("Technologies SE", "AI GmbH", "Labs S.A.", "Group AG", "Cloud B.V."),
    "sme": ("Analytics", "Start-up", "Software Oy", "Studio", "Solutions SRL"),
    "academia": ("Institute", "University Lab", "Research Centre", "Academy", "Observatory"),
    "civil-society": ("Foundation", "Rights Network", "Watch", "Alliance", "Council"),
    "open-source": ("Collective", "Commons", "Project", "Community", "Initiative"),
}
PLEDGES = ["governance", "high_risk_mapping", "literacy", "human_oversight", "risk_mitigation"]
OUTCOMES = (
    ("accepted", 15),
    ("partly_accepted", 20),
    ("rejected", 20),
    ("noted", 30),
    ("duplicate", 8),
    ("out_of_scope", 7),
)


@dataclass(frozen=True)
class Scale:
    """How much of everything: the large scale is the issue's, small is about 1/50 of it."""

    name: str
    commitments: int  # per document; each has `measures` measures and `questions` open questions
    measures: int
    questions: int
    organisations: int
    users: int
    comments: int
    endorsements: int
    dispositions: int
    thread: int  # comments (top-level and replies) in the one big provision thread
    reports: int
    members_per_group: int
    documents: int = 3
    versions: int = 5
    # Share of all comments on the latest version of the first document (the open consultation
    # every page benchmark looks at); the rest is spread over the 14 other versions.
    hot_share: float = 0.9

    @property
    def provisions(self) -> int:
        return self.commitments * (1 + self.measures + self.questions)

    def with_comments(self, comments: int) -> Scale:
        """Same shape, another number of comments (the growth benchmark: 5k, 50k, 200k)."""
        thread = min(self.thread, max(1, comments // 5))
        return replace(
            self,
            comments=comments,
            endorsements=comments * 2,
            dispositions=round(comments * 0.4),
            reports=max(1, comments // 100),
            thread=thread,
        )


SCALES = {
    "large": Scale(
        "large",
        commitments=20,
        measures=13,
        questions=1,
        organisations=700,
        users=2_000,
        comments=50_000,
        endorsements=100_000,
        dispositions=20_000,
        thread=1_000,
        reports=500,
        members_per_group=150,
    ),
    "small": Scale(
        "small",
        commitments=3,
        measures=8,
        questions=1,
        organisations=14,
        users=40,
        comments=1_000,
        endorsements=2_000,
        dispositions=400,
        thread=20,
        reports=10,
        members_per_group=8,
    ),
}


class GenerateError(Exception):
    """The data cannot be generated here (e.g. it is already present)."""


@dataclass
class Summary:
    """What was generated: counts per table, seconds per step and where the benchmark pages are."""

    scale: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)
    versions: int = 0
    hot_document: str = ""
    hot_version: int = 0
    thread_key: str = ""
    thread_comments: int = 0
    hot_comments: int = 0
    post_key: str = "c2"  # a commitment (never removed): where the posting benchmark comments
    hot_event: int = 0  # the past plenary at real scale the event pages are measured on
    accounts: dict[str, str] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def urls(self) -> dict[str, str]:
        doc, n = self.hot_document, self.hot_version
        return {
            "version": f"/docs/{doc}/v{n}/",
            "thread": f"/docs/{doc}/v{n}/{self.thread_key}/",
            "compare": f"/docs/{doc}/compare/v{n - 1}...v{n}",
            "triage": f"/docs/{doc}/v{n}/triage",
            "report": f"/docs/{doc}/v{n}/report",
            "report_csv": f"/docs/{doc}/v{n}/report.csv",
            "post": f"/docs/{doc}/v{n}/{self.post_key}/",
            "api_provisions": f"/api/v1/documents/{doc}/versions/{n}/provisions",
            "api_comments": (
                f"/api/v1/documents/{doc}/versions/{n}/provisions/{self.thread_key}/comments"
            ),
            "api_compare": f"/api/v1/documents/{doc}/versions/{n - 1}/compare/{n}",
            "api_report": f"/api/v1/documents/{doc}/versions/{n}/report",
            "export_zip": f"/docs/{doc}/v{n}/open-data.zip",
            "export_json": f"/docs/{doc}/v{n}/open-data/record.json",
            "search": f"/search?q={SEARCH_QUERY.replace(' ', '+')}",
            "event": f"/events/{self.hot_event}",
            "api_event": f"/api/v1/events/{self.hot_event}",
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "counts": self.counts,
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "total_seconds": round(self.total_seconds, 2),
            "documents": self.documents,
            "versions": self.versions,
            "hot_document": self.hot_document,
            "hot_version": self.hot_version,
            "thread_key": self.thread_key,
            "thread_comments": self.thread_comments,
            "hot_comments": self.hot_comments,
            "accounts": self.accounts,
            "password": PASSWORD,
            "urls": self.urls(),
        }


@dataclass
class _Prov:
    id: int
    kind: str
    commitment: int
    order: int
    key: str
    number: str
    heading: str
    body: str
    parent: _Prov | None
    keys: list[str]
    alive: bool = True

    @property
    def sort_key(self) -> tuple[int, int, int]:
        rank = {"commitment": 0, "measure": 1, "open_question": 2}[self.kind]
        return (self.commitment, rank, self.order)


@dataclass
class _VersionData:
    id: int
    document: int
    number: int
    group: int
    opens_at: datetime
    closes_at: datetime
    published_at: datetime
    section_ids: list[int]  # in document order
    provisions: list[int]  # provision id of each section, same order
    bodies: list[str]
    by_provision: dict[int, int]  # provision id -> section id
    commitment_of: dict[int, int]  # provision id -> its commitment's provision id
    changes: dict[int, str]  # provision id -> what changed since the previous version


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _batched(rows: Iterable[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Generator:
    def __init__(self, scale: Scale, seed: int, now: datetime, echo: Callable[[str], None]):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.echo = echo
        self.summary = Summary(scale=scale.name, seed=seed)
        self.connection = db.session.connection()
        self.dialect = self.connection.dialect.name
        self._next: dict[str, int] = {}
        self._tables: list[Table] = []
        self._columns: dict[str, set[str]] = {}

    # -- plumbing -----------------------------------------------------------------------------

    def ids(self, table: Table, count: int) -> range:
        """Primary keys assigned here, so related rows can be built without reading them back."""
        name = table.name
        if name not in self._next:
            current = self.connection.execute(select(func.max(table.c.id))).scalar()
            self._next[name] = (current or 0) + 1
            self._tables.append(table)
        start = self._next[name]
        self._next[name] += count
        return range(start, start + count)

    def insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        for chunk in _batched(rows):
            chunk = self._existing_columns(table, chunk)
            if self.dialect == "postgresql" and len(chunk) >= 1_000:
                self._copy(table, chunk)
            else:
                self.connection.execute(insert(table), chunk)
            count += len(chunk)
        self.summary.counts[table.name] = self.summary.counts.get(table.name, 0) + count
        return count

    def _existing_columns(self, table: Table, chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Leave out columns the database does not have yet (a model ahead of its migration)."""
        if table.name not in self._columns:
            found = {c["name"] for c in inspect(self.connection).get_columns(table.name)}
            self._columns[table.name] = found
            missing = set(chunk[0]) - found
            if missing:
                self.echo(f"  note: {table.name} has no column {', '.join(sorted(missing))} yet")
        found = self._columns[table.name]
        if set(chunk[0]) <= found:
            return chunk
        return [{k: v for k, v in row.items() if k in found} for row in chunk]

    def _copy(self, table: Table, chunk: list[dict[str, Any]]) -> None:
        """PostgreSQL COPY: several times faster than multi-row INSERT for the big tables."""
        columns = list(chunk[0])
        names = ", ".join(f'"{c}"' for c in columns)
        raw = self.connection.connection.driver_connection
        sql = f'COPY "{table.name}" ({names}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in chunk:
                copy.write_row([row[c] for c in columns])

    def step(self, name: str, function: Callable[[], None]) -> None:
        started = time.perf_counter()
        function()
        self.summary.seconds[name] = time.perf_counter() - started
        self.echo(f"  {name:<22} {self.summary.seconds[name]:6.1f}s")

    def when(self, start: datetime, end: datetime) -> datetime:
        span = max((end - start).total_seconds(), 1.0)
        return start + timedelta(seconds=self.rng.uniform(0, span))

    # -- the steps ----------------------------------------------------------------------------

    def run(self) -> Summary:
        table = _table(WorkingGroup)
        exists = self.connection.execute(
            select(table.c.id).where(table.c.slug == GROUPS[0][0])
        ).first()
        if exists:
            raise GenerateError("benchmark data is already in this database; use a fresh one")
        self.step("people", self.people)
        self.step("groups", self.groups)
        self.step("documents", self.documents)
        self.step("comments", self.comments)
        self.step("endorsements", self.endorsements)
        self.step("dispositions", self.dispositions)
        self.step("revisions", self.revisions)
        self.step("events", self.events)
        self.step("comment counters", self.comment_counters)
        self.step("search index", self.search_index)
        self.step("sequences", self.fix_sequences)
        return self.summary

    def people(self) -> None:
        rng = self.rng
        categories_table = _table(StakeholderCategory)
        found = self.connection.execute(select(categories_table.c.slug, categories_table.c.id))
        self.categories = {slug: cid for slug, cid in found}
        missing = [c for c in DEFAULT_CATEGORIES if c[0] not in self.categories]
        if missing:
            new_ids = self.ids(categories_table, len(missing))
            self.insert(
                categories_table,
                [
                    {"id": i, "slug": s, "name": n, "position": p, "retired_at": None}
                    for i, (s, n, p) in zip(new_ids, missing, strict=True)
                ],
            )
            self.categories.update({s: i for i, (s, _n, _p) in zip(new_ids, missing, strict=True)})
        from consult.accounts.services import hash_password

        password_hash = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once
        users_table: Table = _table(User)
        org_table: Table = _table(Organisation)
        created = self.now - timedelta(days=400)

        def user_row(uid: int, email: str, name: str, org: int | None, cat: int | None) -> dict:
            joined = self.when(created, self.now - timedelta(days=330))
            return {
                "id": uid,
                "email": email,
                "display_name": name,
                "password_hash": password_hash,
                "organisation_id": org,
                "independent_category_id": cat,
                "is_admin": False,
                "is_disabled": False,
                "email_verified_at": joined + timedelta(hours=1),
                "last_login_at": None,
                "notify_mode": rng.choice(("immediate", "daily", "none")),
                "bio": "",
                "session_nonce": f"{rng.getrandbits(64):016x}",
                "created_at": joined,
                "updated_at": joined,
            }

        # Staff first (an administrator, then chair, vice-chair and two moderators per group).
        staff_count = 1 + 4 * len(GROUPS)
        staff_ids = list(self.ids(users_table, staff_count))
        staff_rows = [
            user_row(staff_ids[0], f"admin@{EMAIL_DOMAIN}", "Bench Administrator", None, None)
        ]
        staff_rows[0]["is_admin"] = True
        self.admin_id = staff_ids[0]
        self.staff: dict[int, dict[str, list[int]]] = {}
        for g, (slug, _name) in enumerate(GROUPS):
            base = 1 + 4 * g
            roles = {
                "chair": [staff_ids[base]],
                "vice_chair": [staff_ids[base + 1]],
                "moderator": [staff_ids[base + 2], staff_ids[base + 3]],
            }
            self.staff[g] = roles
            labels = (("chair", "Chair"), ("vice-chair", "Vice-chair"))
            for offset, (prefix, title) in enumerate(labels):
                email = f"{prefix}.{slug}@{EMAIL_DOMAIN}"
                staff_rows.append(
                    user_row(staff_ids[base + offset], email, f"{title} of {slug}", None, None)
                )
            for m in (1, 2):
                email = f"moderator{m}.{slug}@{EMAIL_DOMAIN}"
                staff_rows.append(
                    user_row(staff_ids[base + 1 + m], email, f"Moderator {m} of {slug}", None, None)
                )
        self.insert(users_table, staff_rows)

        # Organisations over the five categories.
        slugs = list(CATEGORY_WEIGHTS)
        cum = list(accumulate(CATEGORY_WEIGHTS.values()))
        org_ids = list(self.ids(org_table, self.scale.organisations))
        names: set[str] = set()
        self.orgs: dict[int, tuple[str, int, str]] = {}  # id -> (name, category id, pact status)
        org_rows: list[dict[str, Any]] = []
        for n, oid in enumerate(org_ids):  # the first five cover every category
            cat = slugs[n] if n < len(slugs) else rng.choices(slugs, cum_weights=cum)[0]
            name = f"{rng.choice(ORG_PREFIX)} {rng.choice(ORG_CORE)} {rng.choice(ORG_SUFFIX[cat])}"
            while name in names:
                name = f"{name} {rng.choice(COUNTRIES)}"
            names.add(name)
            pact = rng.choices(("none", "pillar_i", "pillar_ii"), weights=(55, 25, 20))[0]
            verified = pact != "none" and rng.random() < 0.85
            when = self.when(created, self.now - timedelta(days=350))
            register = rng.random() < 0.4
            org_rows.append(
                {
                    "id": oid,
                    "name": name,
                    "category_id": self.categories[cat],
                    "country": rng.choice(COUNTRIES),
                    "transparency_register_id": (
                        f"{rng.randrange(10**9, 10**12)}-{rng.randrange(10, 100)}"
                        if register
                        else None
                    ),
                    "pact_status": pact,
                    "pact_pledge_date": when.date() if pact == "pillar_ii" else None,
                    "pact_pledges": rng.sample(PLEDGES, 3) if pact == "pillar_ii" else [],
                    "pact_verified_at": when + timedelta(days=3) if verified else None,
                    "pact_verified_by_id": self.admin_id if verified else None,
                    "created_at": when,
                    "updated_at": when,
                }
            )
            self.orgs[oid] = (name, self.categories[cat], pact if verified else "none")
        self.insert(org_table, org_rows)

        # Stakeholders: most in organisations, about 5% independent experts.
        count = max(self.scale.users - staff_count, 10)
        user_ids = list(self.ids(users_table, count))
        self.people_info: dict[int, tuple[int | None, str, int | None, str]] = {}
        rows: list[dict[str, Any]] = []
        for n, uid in enumerate(user_ids, start=1):
            if rng.random() < 0.05:
                cat_id = self.categories[rng.choices(slugs, cum_weights=cum)[0]]
                rows.append(
                    user_row(uid, f"stakeholder{n:04d}@{EMAIL_DOMAIN}", f"Expert {n}", None, cat_id)
                )
                self.people_info[uid] = (None, "", cat_id, "none")
            else:
                oid = org_ids[n % len(org_ids)] if n <= len(org_ids) else rng.choice(org_ids)
                org_name, cat_id, pact = self.orgs[oid]
                rows.append(
                    user_row(
                        uid, f"stakeholder{n:04d}@{EMAIL_DOMAIN}", f"Stakeholder {n}", oid, None
                    )
                )
                self.people_info[uid] = (oid, org_name, cat_id, pact)
        self.insert(users_table, rows)
        self._organisation_ties(rows)
        self.stakeholders = user_ids
        # Some people comment far more than others.
        weights = [min(rng.paretovariate(1.2), 40.0) for _ in user_ids]
        self.author_cum = list(accumulate(weights))
        self.summary.accounts = {
            "admin": f"admin@{EMAIL_DOMAIN}",
            "chair": f"chair.{GROUPS[0][0]}@{EMAIL_DOMAIN}",
            "moderator": f"moderator1.{GROUPS[0][0]}@{EMAIL_DOMAIN}",
            "stakeholder": f"stakeholder0001@{EMAIL_DOMAIN}",
        }
        self.summary.counts["stakeholders"] = len(user_ids)

    def _organisation_ties(self, users: list[dict[str, Any]]) -> None:
        """Every member speaks for their organisation through a confirmed tie (the comments are
        snapshotted that way); the first member of each organisation is its representative."""
        ties_table: Table = _table(OrganisationMembership)
        members = [user for user in users if user["organisation_id"] is not None]
        seen: set[int] = set()
        ties: list[dict[str, Any]] = []
        for tid, user in zip(self.ids(ties_table, len(members)), members, strict=True):
            first = user["organisation_id"] not in seen
            seen.add(user["organisation_id"])
            ties.append(
                {
                    "id": tid,
                    "organisation_id": user["organisation_id"],
                    "user_id": user["id"],
                    "status": TIE_CONFIRMED,
                    "is_representative": first,
                    "confirmed_via": CONFIRMED_BY_ADMIN if first else CONFIRMED_BY_REPRESENTATIVE,
                    "decided_by_id": self.admin_id,
                    "decided_at": user["created_at"] + timedelta(days=1),
                    "created_at": user["created_at"],
                    "updated_at": user["created_at"],
                }
            )
        self.insert(ties_table, ties)
        self.summary.counts["organisation_ties"] = len(ties)

    def groups(self) -> None:
        rng = self.rng
        table: Table = _table(WorkingGroup)
        created = self.now - timedelta(days=380)
        self.group_ids = list(self.ids(table, len(GROUPS)))
        self.insert(
            table,
            [
                {
                    "id": gid,
                    "slug": slug,
                    "name": name,
                    "position": n,
                    "mandate": words.paragraph(rng, 3, 5),
                    "admission_rule": "pact" if n % 2 == 0 else "open",
                    "observers_may_comment": n % 2 == 1,
                    "created_at": created,
                    "updated_at": created,
                }
                for n, (gid, (slug, name)) in enumerate(zip(self.group_ids, GROUPS, strict=True))
            ],
        )
        rows: list[dict[str, Any]] = []
        for g, gid in enumerate(self.group_ids):
            for role, users in self.staff[g].items():
                rows.extend(self._membership(gid, uid, role, "approved", created) for uid in users)
            chosen = rng.sample(
                self.stakeholders, min(self.scale.members_per_group, len(self.stakeholders))
            )
            for n, uid in enumerate(chosen):
                if n % 10 == 9:
                    rows.append(self._membership(gid, uid, "member", "requested", created))
                else:
                    role = "observer" if n % 5 == 4 else "member"
                    rows.append(self._membership(gid, uid, role, "approved", created))
        ids = self.ids(_table(Membership), len(rows))
        for mid, row in zip(ids, rows, strict=True):
            row["id"] = mid
        self.insert(_table(Membership), rows)

    def _membership(self, gid: int, uid: int, role: str, status: str, created: datetime) -> dict:
        when = self.when(created, created + timedelta(days=30))
        decided = status == "approved"
        return {
            "group_id": gid,
            "user_id": uid,
            "role": role,
            "status": status,
            "statement": words.sentence(self.rng) if status == "requested" else "",
            "decided_by_id": self.admin_id if decided else None,
            "decided_at": when + timedelta(days=1) if decided else None,
            "decision_reason": "",
            "listed_publicly": role != "observer",
            "notify_versions": True,
            "notify_deadlines": True,
            "requested_at": when,
            "created_at": when,
            "updated_at": when,
        }

    def documents(self) -> None:
        rng = self.rng
        scale = self.scale
        doc_table: Table = _table(Document)
        prov_table: Table = _table(Provision)
        self.versions: list[list[_VersionData]] = []
        docs = DOCUMENTS[: scale.documents]
        doc_ids = list(self.ids(doc_table, len(docs)))
        created = self.now - timedelta(days=60 * scale.versions + 30)
        self.insert(
            doc_table,
            [
                {
                    "id": did,
                    "group_id": self.group_ids[g],
                    "slug": slug,
                    "title": title,
                    "summary": words.paragraph(rng, 2, 3),
                    "visibility": "public",
                    "position": n,
                    "created_by_id": self.staff[g]["chair"][0],
                    "created_at": created,
                    "updated_at": created,
                }
                for n, (did, (slug, title, g)) in enumerate(zip(doc_ids, docs, strict=True))
            ],
        )
        self.summary.documents = [slug for slug, _t, _g in docs]
        self.summary.versions = scale.versions
        version_rows: list[dict] = []
        section_rows: list[dict] = []
        provision_rows: list[dict] = []
        key_rows: list[dict] = []
        for n, (did, (_slug, _title, g)) in enumerate(zip(doc_ids, docs, strict=True)):
            provs, history = self._evolve(n == 0)
            if n == 0:
                # Never removed or renumbered (see _evolve), so its key stays THREAD_KEY.
                self.thread_provision = next(p.id for p in provs if p.key == THREAD_KEY)
            chair = self.staff[g]["chair"][0]
            version_ids = list(self.ids(_table(Version), scale.versions))
            datas = []
            for v, (vid, (alive, changes)) in enumerate(zip(version_ids, history, strict=True), 1):
                published = self.now - timedelta(days=60 * (scale.versions - v) + 12)
                opens = published + timedelta(days=2)
                latest = v == scale.versions
                closes = self.now + timedelta(days=30) if latest else opens + timedelta(days=45)
                version_rows.append(
                    {
                        "id": vid,
                        "document_id": did,
                        "number": v,
                        "status": "published" if latest else "superseded",
                        "changelog": words.paragraph(rng, 1, 3),
                        "opens_at": opens,
                        "closes_at": closes,
                        "published_at": published,
                        "published_by_id": chair,
                        "based_on_id": version_ids[v - 2] if v > 1 else None,
                        "created_by_id": chair,
                        "created_at": published - timedelta(days=10),
                        "updated_at": published,
                    }
                )
                section_ids = list(self.ids(_table(Section), len(alive)))
                by_prov: dict[int, int] = {}
                commitment_of: dict[int, int] = {}
                for position, (sid, (prov, number, heading, body)) in enumerate(
                    zip(section_ids, alive, strict=True)
                ):
                    by_prov[prov.id] = sid
                    parent = prov.parent
                    commitment_of[prov.id] = parent.id if parent else prov.id
                    section_rows.append(
                        {
                            "id": sid,
                            "version_id": vid,
                            "provision_id": prov.id,
                            "parent_id": by_prov[parent.id] if parent else None,
                            "position": position,
                            "depth": 1 if parent else 0,
                            "kind": prov.kind,
                            "number": number,
                            "heading": heading,
                            "body": body,
                            "lock_version": 1,
                            "updated_at": published - timedelta(days=3),
                            "updated_by_id": chair,
                        }
                    )
                datas.append(
                    _VersionData(
                        id=vid,
                        document=did,
                        number=v,
                        group=g,
                        opens_at=opens,
                        closes_at=closes,
                        published_at=published,
                        section_ids=section_ids,
                        provisions=[p.id for p, *_ in alive],
                        bodies=[b for *_, b in alive],
                        by_provision=by_prov,
                        commitment_of=commitment_of,
                        changes=changes,
                    )
                )
            self.versions.append(datas)
            for prov in provs:
                provision_rows.append(
                    {"id": prov.id, "document_id": did, "key": prov.key, "kind": prov.kind}
                )
                key_rows.extend(
                    {"document_id": did, "key": k, "provision_id": prov.id} for k in prov.keys
                )
        self.insert(prov_table, provision_rows)
        for kid, row in zip(self.ids(_table(ProvisionKey), len(key_rows)), key_rows, strict=True):
            row["id"] = kid
        self.insert(_table(ProvisionKey), key_rows)
        self.insert(_table(Version), version_rows)
        self.insert(_table(Section), section_rows)
        self.summary.hot_document = DOCUMENTS[0][0]
        self.summary.hot_version = scale.versions
        self.summary.thread_key = THREAD_KEY

    def _evolve(self, first: bool) -> tuple[list[_Prov], list[tuple[list, dict[int, str]]]]:
        """One document's provisions and, per version, its sections and what changed.

        About 10% of provisions change from one version to the next: edits, a few moved to the
        end of their commitment with a new number (and URL key), some added, some removed.
        """
        rng = self.rng
        scale = self.scale
        provs: list[_Prov] = []
        next_order: dict[tuple[int, str], int] = defaultdict(int)
        prov_table: Table = _table(Provision)

        def new(kind: str, commitment: int, parent: _Prov | None) -> _Prov:
            next_order[(commitment, kind)] += 1
            order = next_order[(commitment, kind)]
            key, number = self._label(kind, commitment, order)
            prov = _Prov(
                id=self.ids(prov_table, 1)[0],
                kind=kind,
                commitment=commitment,
                order=order,
                key=key,
                number=number,
                heading=words.heading(rng),
                body=words.provision_body(rng, kind),
                parent=parent,
                keys=[key],
            )
            provs.append(prov)
            return prov

        commitments = []
        for c in range(1, scale.commitments + 1):
            parent = new("commitment", c, None)
            commitments.append(parent)
            for _ in range(scale.measures):
                new("measure", c, parent)
            for _ in range(scale.questions):
                new("open_question", c, parent)
        history = []
        for v in range(1, scale.versions + 1):
            changes: dict[int, str] = {}
            if v > 1:
                alive = [p for p in provs if p.alive]
                size = len(alive)
                movable = [
                    p for p in alive if p.kind == "measure" and not (first and p.key == THREAD_KEY)
                ]
                for prov in rng.sample(movable, max(1, round(size * 0.01))):
                    prov.alive = False
                    changes[prov.id] = "removed"
                movable = [p for p in movable if p.alive]
                for prov in rng.sample(movable, max(1, round(size * 0.01))):
                    next_order[(prov.commitment, prov.kind)] += 1
                    prov.order = next_order[(prov.commitment, prov.kind)]
                    prov.key, prov.number = self._label(prov.kind, prov.commitment, prov.order)
                    prov.keys.append(prov.key)
                    changes[prov.id] = "renumbered"
                for _ in range(max(1, round(size * 0.017))):
                    parent = rng.choice(commitments)
                    kind = "measure" if rng.random() < 0.8 else "open_question"
                    changes[new(kind, parent.commitment, parent).id] = "added"
                editable = [p for p in provs if p.alive and p.id not in changes]
                for prov in rng.sample(editable, max(1, round(size * 0.07))):
                    paragraphs = prov.body.split("\n\n")
                    paragraphs[rng.randrange(len(paragraphs))] = words.paragraph(rng, 1, 3)
                    prov.body = "\n\n".join(paragraphs)
                    if rng.random() < 0.2:
                        prov.heading = words.heading(rng)
                    changes[prov.id] = "edited"
            alive_sorted = sorted((p for p in provs if p.alive), key=lambda p: p.sort_key)
            history.append(([(p, p.number, p.heading, p.body) for p in alive_sorted], changes))
        return provs, history

    @staticmethod
    def _label(kind: str, commitment: int, order: int) -> tuple[str, str]:
        if kind == "commitment":
            return f"c{commitment}", str(commitment)
        if kind == "measure":
            return f"c{commitment}-m{order}", f"{commitment}.{order}"
        return f"c{commitment}-q{order}", f"{commitment}.Q{order}"

    def comments(self) -> None:
        """Comments version by version: two thirds top-level, a third replies up to depth 4."""
        scale = self.scale
        hot = self.versions[0][-1]
        thread_section = hot.by_provision[self.thread_provision]
        buckets: list[tuple[_VersionData, int, list[int] | None]] = []
        others = [v for doc in self.versions for v in doc if v is not hot]
        doc_weight = {0: 2.0, 1: 1.0, 2: 1.0}
        weights = [
            doc_weight.get(v.document - self.versions[0][0].document, 1.0) * (1 + v.number)
            for v in others
        ]
        hot_total = round(scale.comments * scale.hot_share) if others else scale.comments
        thread = min(scale.thread, hot_total)
        for version, count in zip(
            others, _allocate(scale.comments - hot_total, weights), strict=True
        ):
            buckets.append((version, count, None))
        buckets.append(
            (hot, hot_total - thread, [s for s in hot.section_ids if s != thread_section])
        )
        buckets.append((hot, thread, [thread_section]))
        self.summary.hot_comments = hot_total
        self.summary.thread_comments = thread

        table: Table = _table(Comment)
        self.c_author: list[int] = []
        self.c_created: list[datetime] = []
        self.c_public: list[bool] = []  # visible and not confidential: endorsable
        self.c_first_id = self.ids(table, 0).start
        self.tops: dict[int, list[int]] = defaultdict(list)  # version id -> visible top-level ids
        self.tops_by_provision: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.revisions_rows: list[dict] = []
        self.insert(table, self._comment_rows(buckets))
        rev_ids = self.ids(_table(CommentRevision), len(self.revisions_rows))
        for rid, row in zip(rev_ids, self.revisions_rows, strict=True):
            row["id"] = rid
        self.insert(_table(CommentRevision), self.revisions_rows)
        self._reports()

    def _comment_rows(self, buckets: list) -> Iterator[dict[str, Any]]:
        rng = self.rng
        table: Table = _table(Comment)
        authors = rng.choices(self.stakeholders, cum_weights=self.author_cum, k=self.scale.comments)
        author_iter = iter(authors)
        for version, count, sections in buckets:
            if count == 0:
                continue
            start = version.opens_at
            end = min(version.closes_at, self.now)
            sections = sections if sections is not None else version.section_ids
            section_index = {sid: i for i, sid in enumerate(version.section_ids)}
            replies = count // 3
            tops = count - replies
            # (id, depth, root id, section id, created_at); the ids of the eligible parents
            nodes: list[tuple[int, int, int, int, datetime]] = []
            top_nodes: list[int] = []
            deep_nodes: list[int] = []
            ids = self.ids(table, count)
            staff = self.staff[version.group]
            for n, cid in enumerate(ids):
                author = next(author_iter)
                role = None
                if n < tops:
                    section = rng.choice(sections)
                    parent, depth, root = None, 0, None
                    created = self.when(start, end)
                else:
                    pool = deep_nodes if deep_nodes and rng.random() < 0.35 else top_nodes
                    pid, pdepth, proot, section, pcreated = nodes[rng.choice(pool)]
                    parent, depth, root = pid, pdepth + 1, proot or pid
                    created = min(pcreated + timedelta(minutes=rng.uniform(10, 7200)), end)
                    created = max(created, pcreated)
                    if rng.random() < 0.05:
                        role = rng.choice(("moderator", "chair"))
                        author = staff[role][0]
                nodes.append((cid, depth, root or 0, section, created))
                if depth == 0:
                    top_nodes.append(n)
                elif depth < 4:
                    deep_nodes.append(n)
                yield self._comment(
                    cid, version, section, section_index, parent, root, depth, author, role, created
                )

    def _comment(
        self,
        cid: int,
        version: _VersionData,
        section: int,
        section_index: dict,
        parent: int | None,
        root: int | None,
        depth: int,
        author: int,
        role: str | None,
        created: datetime,
    ) -> dict[str, Any]:
        rng = self.rng
        index = section_index[section]
        provision = version.provisions[index]
        if role is None:
            org, org_name, category, pact = self.people_info[author]
        else:
            org, org_name, category, pact = None, "", None, "none"
        quote = ""
        proposed = ""
        scope = None
        confidential = False
        if depth == 0:
            if rng.random() < 0.2:
                sentences = version.bodies[index].replace("\n", " ").split(". ")
                quote = " ".join(rng.choice(sentences).split()[:12])
            if rng.random() < 0.15:
                proposed = words.sentence(rng, 12, 30)
                scope = "passage" if quote else "provision"
            confidential = rng.random() < 0.04
        roll = rng.random()
        state = "hidden" if roll < 0.01 else "deleted" if roll < 0.015 else "visible"
        moderator = self.staff[version.group]["moderator"][0]
        later = min(created + timedelta(hours=rng.uniform(1, 48)), self.now)
        edited = state == "visible" and rng.random() < 0.03
        body = words.comment_body(rng, reply=depth > 0)
        if edited:
            self.revisions_rows.append(
                {
                    "comment_id": cid,
                    "created_at": later,
                    "body": words.comment_body(rng, depth > 0),
                    "quote": quote,
                    "proposed_text": proposed,
                }
            )
        self.c_author.append(author)
        self.c_created.append(created)
        self.c_public.append(state == "visible" and not confidential)
        if depth == 0 and state == "visible":
            self.tops[version.id].append(cid)
            self.tops_by_provision[(version.id, provision)].append(cid)
        return {
            "id": cid,
            "version_id": version.id,
            "section_id": section,
            "provision_id": provision,
            "parent_id": parent,
            "root_id": root,
            "depth": depth,
            "author_id": author,
            "organisation_id": org,
            "organisation_name": org_name,
            "category_id": category,
            "pact_status": pact,
            "author_role": role,
            "approved_by_id": None,
            "approved_by_name": "",
            "kind": rng.choices(("general", "technical", "editorial"), weights=(6, 3, 1))[0],
            "body": body,
            "quote": quote,
            "proposed_text": proposed,
            "proposal_scope": scope,
            "is_confidential": confidential,
            "state": state,
            "hidden_reason": "Off-topic promotion." if state == "hidden" else "",
            "hidden_by_id": moderator if state == "hidden" else None,
            "hidden_at": later if state == "hidden" else None,
            "deleted_at": later if state == "deleted" else None,
            "edited_at": later if edited else None,
            "created_at": created,
            "updated_at": later if edited or state != "visible" else created,
        }

    def _reports(self) -> None:
        rng = self.rng
        public = [i for i, ok in enumerate(self.c_public) if ok]
        seen: set[tuple[int, int]] = set()
        rows: list[dict[str, Any]] = []
        for _ in range(self.scale.reports * 3):
            if len(rows) >= self.scale.reports or not public:
                break
            index = rng.choice(public)
            reporter = rng.choice(self.stakeholders)
            cid = self.c_first_id + index
            if reporter == self.c_author[index] or (cid, reporter) in seen:
                continue
            seen.add((cid, reporter))
            when = min(self.c_created[index] + timedelta(hours=rng.uniform(1, 72)), self.now)
            status = rng.choices(("open", "upheld", "dismissed"), weights=(7, 1, 2))[0]
            rows.append(
                {
                    "comment_id": cid,
                    "reporter_id": reporter,
                    "reason": rng.choice(("spam", "offensive", "off_topic")),
                    "note": "",
                    "status": status,
                    "resolved_by_id": None if status == "open" else self.admin_id,
                    "resolved_at": None if status == "open" else when + timedelta(hours=5),
                    "created_at": when,
                    "updated_at": when,
                }
            )
        for rid, row in zip(self.ids(_table(CommentReport), len(rows)), rows, strict=True):
            row["id"] = rid
        self.insert(_table(CommentReport), rows)

    def endorsements(self) -> None:
        """Unique (comment, user) pairs, never on one's own comment; popular comments get more."""
        rng = self.rng
        public = [i for i, ok in enumerate(self.c_public) if ok]
        if not public:
            return
        popularity = list(accumulate(min(rng.paretovariate(1.5), 50.0) for _ in public))
        target = min(self.scale.endorsements, len(public) * (len(self.stakeholders) - 1))
        seen: set[tuple[int, int]] = set()
        users = self.stakeholders

        def rows() -> Iterator[dict[str, Any]]:
            made = 0
            while made < target:
                picks = rng.choices(public, cum_weights=popularity, k=min(BATCH, target - made))
                for index in picks:
                    user = users[int(rng.random() * len(users))]
                    cid = self.c_first_id + index
                    if user == self.c_author[index] or (cid, user) in seen:
                        continue
                    seen.add((cid, user))
                    made += 1
                    when = min(
                        self.c_created[index] + timedelta(hours=rng.uniform(1, 240)), self.now
                    )
                    yield {
                        "comment_id": cid,
                        "user_id": user,
                        "stance": "support" if rng.random() < 0.75 else "oppose",
                        "category_id": self.people_info[user][2],
                        "created_at": when,
                        "updated_at": when,
                    }

        table: Table = _table(Endorsement)
        start = self.ids(table, 0).start

        def numbered() -> Iterator[dict[str, Any]]:
            for n, row in enumerate(rows()):
                row["id"] = start + n
                yield row

        made = self.insert(table, numbered())
        self.ids(table, made)

    def dispositions(self) -> None:
        """Every visible top-level comment of closed consultations, then the open one's oldest."""
        rng = self.rng
        hot = self.versions[0][-1]
        closed = [
            (v, cid)
            for doc in self.versions
            for v in doc
            if v is not hot
            for cid in self.tops[v.id]
        ]
        target = self.scale.dispositions
        chosen = closed if len(closed) <= target else rng.sample(closed, target)
        if len(chosen) < target:
            open_tops = self.tops[hot.id]
            chosen += [
                (hot, cid)
                for cid in rng.sample(open_tops, min(len(open_tops), target - len(chosen)))
            ]
        rows: list[dict[str, Any]] = []
        records: list[dict[str, Any]] = []
        outcomes = [o for o, _w in OUTCOMES]
        weights = [w for _o, w in OUTCOMES]
        for version, cid in sorted(chosen, key=lambda pair: pair[1]):
            moderators = self.staff[version.group]["moderator"]
            moderator = rng.choice(moderators)
            created = self.c_created[cid - self.c_first_id]
            limit = min(version.closes_at + timedelta(days=10), self.now)
            decided = min(created + timedelta(days=rng.uniform(0.5, 20)), limit)
            outcome = rng.choices(outcomes, weights=weights)[0]
            duplicate_of = None
            if outcome == "duplicate":
                earlier = [c for c in self.tops[version.id][:200] if c < cid]
                duplicate_of = rng.choice(earlier) if earlier else None
                outcome = outcome if duplicate_of else "noted"
            rationale = words.paragraph(rng, 1, 3)
            rows.append(
                {
                    "comment_id": cid,
                    "outcome": outcome,
                    "rationale": rationale,
                    "duplicate_of_id": duplicate_of,
                    "assignee_id": moderator,
                    "decided_by_id": moderator,
                    "decided_at": decided,
                    "created_at": decided,
                    "updated_at": decided,
                }
            )
            if rng.random() < 0.12:  # the moderator changed their mind once
                first = rng.choice([o for o in outcomes if o not in (outcome, "duplicate")])
                records.append(
                    {
                        "comment_id": cid,
                        "outcome": first,
                        "rationale": words.sentence(rng),
                        "duplicate_of_id": None,
                        "decided_by_id": moderator,
                        "decided_at": decided - timedelta(hours=rng.uniform(1, 48)),
                    }
                )
            records.append(
                {
                    "comment_id": cid,
                    "outcome": outcome,
                    "rationale": rationale,
                    "duplicate_of_id": duplicate_of,
                    "decided_by_id": moderator,
                    "decided_at": decided,
                }
            )
        for did, row in zip(self.ids(_table(Disposition), len(rows)), rows, strict=True):
            row["id"] = did
        self.insert(_table(Disposition), rows)
        records.sort(key=lambda r: cast(datetime, r["decided_at"]))
        for rid, row in zip(
            self.ids(_table(DispositionRecord), len(records)), records, strict=True
        ):
            row["id"] = rid
        self.insert(_table(DispositionRecord), records)

    def revisions(self) -> None:
        """A published revision for each step v(N-1) -> vN, with the comments behind each change."""
        rng = self.rng
        revisions: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        for doc in self.versions:
            for base, version in pairwise(doc):
                chair = self.staff[version.group]["chair"][0]
                rid = self.ids(_table(RevisionModel), 1)[0]
                created = version.published_at - timedelta(days=8)
                revisions.append(
                    {
                        "id": rid,
                        "document_id": version.document,
                        "base_version_id": base.id,
                        "version_id": version.id,
                        "status": "published",
                        "created_by_id": chair,
                        "created_at": created,
                        "updated_at": version.published_at,
                    }
                )
                for pid, what in sorted(version.changes.items()):
                    change_id = self.ids(_table(Change), 1)[0]
                    changes.append(
                        {
                            "id": change_id,
                            "revision_id": rid,
                            "provision_id": pid,
                            "note": f"{what.capitalize()}: {words.sentence(rng, 6, 14)}",
                            "created_by_id": chair,
                            "created_at": created,
                            "updated_at": created,
                        }
                    )
                    anchor = (
                        pid if pid in base.by_provision else version.commitment_of.get(pid, pid)
                    )
                    candidates = self.tops_by_provision.get((base.id, anchor), [])
                    for cid in rng.sample(candidates, min(len(candidates), rng.randint(1, 4))):
                        links.append(
                            {
                                "change_id": change_id,
                                "comment_id": cid,
                                "applied": rng.random() < 0.3,
                                "created_at": created,
                                "created_by_id": chair,
                            }
                        )
        self.insert(_table(RevisionModel), revisions)
        self.insert(_table(Change), changes)
        for lid, row in zip(self.ids(_table(ChangeComment), len(links)), links, strict=True):
            row["id"] = lid
        self.insert(_table(ChangeComment), links)

    def comment_counters(self) -> None:
        """The per-section counters the app keeps on every comment write (bulk inserts skip
        the ORM): rebuilt from the comments in one INSERT ... SELECT."""
        self.summary.counts["comment_counts"] = recount_comments()

    def search_index(self) -> None:
        """The search index the app keeps on every write, rebuilt as `flask consult reindex`."""
        counts = reindex_search()
        self.summary.counts["search_entries"] = sum(counts.values())

    def events(self) -> None:
        """Meetings per group; the first group's past plenary at real scale (the one the event
        benchmarks read): most stakeholders registered, questions with their support."""
        rng = self.rng
        people = self.stakeholders
        per_group = 12
        event_rows, agenda_rows = [], []
        event_ids = list(self.ids(_table(Event), per_group * len(self.group_ids)))
        agenda_ids = iter(self.ids(_table(AgendaItem), len(event_ids) * 6))
        hot = self.summary.hot_event = event_ids[0]
        hot_agenda: list[int] = []
        for n, eid in enumerate(event_ids):
            gid = self.group_ids[n // per_group]
            starts = self.now + timedelta(days=14 * (n % per_group) - 90, hours=rng.randint(0, 6))
            past = starts < self.now
            event_rows.append(
                {
                    "id": eid,
                    "group_id": gid,
                    "title": words.sentence(rng)[:80],
                    "kind": "plenary" if n % per_group == 0 else "meeting",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2, minutes=30),
                    "description": words.paragraph(rng, 2, 4),
                    "online_url": "",
                    "place": "Brussels",
                    "access": "verified" if n % 3 == 0 else "members",
                    "capacity": None,
                    "status": "scheduled",
                    "sequence": 0,
                    "minutes": words.paragraph(rng, 8, 14) if past else "",
                    "recording_url": "",
                    "slides_url": "",
                    "created_by_id": self.admin_id,
                    "created_at": starts - timedelta(days=30),
                    "updated_at": starts - timedelta(days=30),
                }
            )
            for position in range(6):
                aid = next(agenda_ids)
                if eid == hot:
                    hot_agenda.append(aid)
                agenda_rows.append(
                    {
                        "id": aid,
                        "event_id": eid,
                        "position": position,
                        "title": words.sentence(rng)[:80],
                        "section_id": None,
                    }
                )
        self.insert(_table(Event), event_rows)
        self.insert(_table(AgendaItem), agenda_rows)
        category = {uid: info[2] for uid, info in self.people_info.items()}
        registered = rng.sample(people, min(len(people), max(50, self.scale.users // 3)))
        when = self.now - timedelta(days=100)
        reg_ids = self.ids(_table(Registration), len(registered))
        self.insert(
            _table(Registration),
            [
                {
                    "id": rid,
                    "event_id": hot,
                    "user_id": uid,
                    "status": "registered",
                    "category_id": category.get(uid),
                    "attended": rng.random() < 0.7,
                    "reminded_at": None,
                    "created_at": when,
                    "updated_at": when,
                }
                for rid, uid in zip(reg_ids, registered, strict=True)
            ],
        )
        askers = registered[: max(20, len(registered) // 4)]
        question_ids = list(self.ids(_table(Question), len(askers)))
        supports: list[dict[str, Any]] = []
        questions = []
        for qid, uid in zip(question_ids, askers, strict=True):
            backers = rng.sample(registered, min(len(registered), rng.randint(0, 12)))
            backers = [b for b in backers if b != uid]
            answered = rng.random() < 0.6
            questions.append(
                {
                    "id": qid,
                    "event_id": hot,
                    "author_id": uid,
                    "category_id": category.get(uid),
                    "agenda_item_id": rng.choice(hot_agenda),
                    "body": words.sentence(rng),
                    "status": "answered" if answered else "open",
                    "answer": words.paragraph(rng, 1, 3) if answered else "",
                    "answered_by_id": self.admin_id if answered else None,
                    "merged_into_id": None,
                    "hidden_reason": "",
                    "reported_count": 0,
                    "support_count": len(backers),
                    "created_at": when,
                    "updated_at": when,
                }
            )
            supports += [
                {
                    "question_id": qid,
                    "user_id": b,
                    "category_id": category.get(b),
                    "created_at": when,
                }
                for b in backers
            ]
        self.insert(_table(Question), questions)
        for sid, row in zip(
            self.ids(_table(QuestionSupport), len(supports)), supports, strict=True
        ):
            row["id"] = sid
        self.insert(_table(QuestionSupport), supports)

    def fix_sequences(self) -> None:
        """Keys were assigned here: move PostgreSQL's sequences past them for later inserts."""
        if self.dialect != "postgresql":
            return
        for table in self._tables:
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - names from the models
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table.name}"))'
                )
            )


def generate(
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    comments: int | None = None,
    now: datetime | None = None,
    echo: Callable[[str], None] = logger.info,
) -> Summary:
    """Generate the data set into the app's database in the current transaction (no commit).

    `comments` overrides the number of comments (endorsements, dispositions and reports follow
    it). Deterministic for a given seed and `now`.
    """
    if scale not in SCALES:
        raise GenerateError(f"unknown scale {scale!r}: choose from {', '.join(SCALES)}")
    chosen = SCALES[scale] if comments is None else SCALES[scale].with_comments(comments)
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    return _Generator(chosen, seed, now, echo).run()


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load; on PostgreSQL also the visibility
    map that index-only scans rely on (VACUUM). Autovacuum would do both a minute later."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    connection = db.session.connection()
    connection.execute(text("ANALYZE"))


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.generate`: load benchmark data from a checkout (bench/ is not installed)."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--comments", type=int, default=None)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--summary", help="write the summary (counts, seconds, URLs) as JSON here")
    args = parser.parse_args(argv)
    from consult import create_app

    app = create_app()
    with app.app_context():
        started = time.perf_counter()
        summary = generate(args.scale, seed=args.seed, comments=args.comments, echo=print)
        db.session.commit()
        step = time.perf_counter()
        analyze()
        db.session.commit()
        summary.seconds["analyze"] = time.perf_counter() - step
        elapsed = time.perf_counter() - started
        comments = summary.counts.get("comments", 0)
        print(f"generated {args.scale} ({comments} comments) in {elapsed:.1f}s")
        if args.summary:
            data = summary.as_dict() | {"elapsed_seconds": round(elapsed, 2)}
            with open(args.summary, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2)
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
