"""Running a search: safe parsing, visibility, facets with counts, ranked page, highlights."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    column,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
)  # fmt: skip
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import defer

from consult.accounts.models import StakeholderCategory
from consult.comments.models import KIND_LABELS, KINDS, Comment
from consult.core.lazytext import lazy_gettext as _l
from consult.core.permissions import can_moderate, can_view
from consult.drafts.models import Document, Provision, Section, Version
from consult.extensions import db
from consult.moderation.models import OUTCOMES, outcome_labels
from consult.search.models import KIND_PROVISION, RESULT_KINDS, SearchEntry

MAX_QUERY = 200
MAX_TERMS = 12
PER_PAGE = 20
MAX_PAGE = 250
START, STOP = "\ue000", "\ue001"  # private-use markers around matches, turned into <mark>
SORTS = {"relevance": _l("Relevance"), "newest": _l("Newest first")}
FACETS: dict[str, Any] = {
    "kind": SearchEntry.kind,
    "document": SearchEntry.document_id,
    "version": SearchEntry.version_id,
    "category": SearchEntry.category_id,
    "comment_kind": SearchEntry.comment_kind,
    "outcome": SearchEntry.outcome,
}
FACET_TITLES = {
    "kind": _l("Kind of result"),
    "document": _l("Document"),
    "version": _l("Version"),
    "category": _l("Stakeholder category"),
    "comment_kind": _l("Kind of comment"),
    "outcome": _l("Disposition"),
}
_INT_FACETS = {"document", "version", "category"}
_FTS: Any = literal_column("search_fts")  # the FTS5 table as the operand of MATCH and bm25
_FTS_TABLE = table("search_fts", column("rowid"))


def parse_terms(text: str) -> list[str]:
    """Words and "quoted phrases" as plain word sequences: nothing of the input reaches the
    query syntax of FTS5 or PostgreSQL except word characters and single spaces."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"|([^\s"]+)', text[:MAX_QUERY]):
        words = re.findall(r"\w+", phrase or word)
        if words:
            terms.append(" ".join(words))
    return terms[:MAX_TERMS]


def mark(snippet: str | None) -> Markup:
    """Escape a snippet, then turn the match markers into <mark> (unpaired ones are dropped)."""
    escaped = str(escape(snippet or ""))
    marked = re.sub(f"{START}(.*?){STOP}", r"<mark>\1</mark>", escaped, flags=re.S)
    return Markup(marked.replace(START, "").replace(STOP, ""))  # noqa: S704 - escaped above


@dataclass
class Search:
    text: str = ""
    sort: str = "relevance"
    page: int = 1
    filters: dict[str, Any] = field(default_factory=dict)

    @property
    def terms(self) -> list[str]:
        return parse_terms(self.text)

    @classmethod
    def from_args(cls, args: Any) -> Search:
        filters: dict[str, Any] = {}
        allowed = {"kind": RESULT_KINDS, "comment_kind": KINDS, "outcome": OUTCOMES}
        for name in FACETS:
            raw = (args.get(name) or "")[:40]
            if name in _INT_FACETS and raw.isdigit() and len(raw) < 10:
                filters[name] = int(raw)
            elif name in allowed and raw in allowed[name]:
                filters[name] = raw
        page = args.get("page", "1")
        return cls(
            text=" ".join((args.get("q") or "")[:MAX_QUERY].split()),
            sort=args.get("sort") if args.get("sort") in SORTS else "relevance",
            page=min(MAX_PAGE, max(1, int(page))) if page.isdigit() and len(page) < 6 else 1,
            filters=filters,
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments of this search with some changed (None removes one)."""
        values: dict[str, Any] = {"q": self.text, "sort": self.sort, **self.filters, **changes}
        kept = {k: v for k, v in values.items() if v is not None and v != ""}
        if kept.get("page") == 1:
            del kept["page"]
        return kept


@dataclass
class Result:
    total: int
    hits: list[dict[str, Any]]
    facets: list[tuple[str, str, list[tuple[Any, str, int]]]]
    pages: int


def _scope(user: Any) -> tuple[list[Version], ColumnElement[bool]]:
    """The versions the user may read, and who may see which entry (confidential comments)."""
    versions = list(
        db.session.scalars(select(Version).order_by(Version.document_id, Version.number))
    )
    visible = [v for v in versions if can_view(user, v)]
    moderated = [v.id for v in visible if can_moderate(user, v)]
    readers: list[ColumnElement[bool]] = [
        SearchEntry.kind == KIND_PROVISION,
        SearchEntry.is_confidential.is_(False),
    ]
    if moderated:
        readers.append(SearchEntry.version_id.in_(moderated))
    if getattr(user, "is_authenticated", False):
        readers.append(SearchEntry.author_id == user.id)
    if not visible:
        return versions, false()
    return visible, and_(SearchEntry.version_id.in_([v.id for v in visible]), or_(*readers))


def _match(terms: list[str]) -> tuple[ColumnElement[bool], Any, Any]:
    """(condition, rank value (lower is better), tsquery or MATCH string)."""
    if db.engine.dialect.name == "postgresql":
        source = " ".join(f'"{term}"' for term in terms)
        english = func.websearch_to_tsquery(cast("english", REGCONFIG), source)
        simple = func.websearch_to_tsquery(cast("simple", REGCONFIG), source)
        tsquery = english.op("||")(simple)  # one GIN lookup for entries of either config
        # Each entry is ranked against the query of its own config only (half the work).
        rank = func.ts_rank(
            SearchEntry.tsv, case((SearchEntry.config == "english", english), else_=simple)
        )
        return SearchEntry.tsv.op("@@")(tsquery), -rank, tsquery
    expression = " ".join(f'"{term}"' for term in terms)
    condition = and_(_FTS_TABLE.c.rowid == SearchEntry.id, _FTS.op("MATCH")(expression))
    return condition, func.bm25(_FTS, 4.0, 1.0), expression


def _from(stmt: Any) -> Any:
    if db.engine.dialect.name == "postgresql":
        return stmt.select_from(SearchEntry)
    return stmt.select_from(SearchEntry).select_from(_FTS_TABLE)


def _facet_counts(rows: list[Any], filters: dict[str, Any]) -> tuple[int, dict[str, dict]]:
    """Per facet, counts under every other facet's filter (so one can switch a value)."""
    names = list(FACETS)
    counts: dict[str, dict[Any, int]] = {name: {} for name in names}
    total = 0
    for row in rows:
        values = dict(zip(names, row[:-1], strict=True))
        failing = [n for n in filters if values[n] != filters[n]]
        if not failing:
            total += row[-1]
        for name in names:
            if (not failing or failing == [name]) and values[name] is not None:
                counts[name][values[name]] = counts[name].get(values[name], 0) + row[-1]
    return total, counts


def _labels(versions: list[Version]) -> dict[str, dict[Any, str]]:
    categories = db.session.execute(select(StakeholderCategory.id, StakeholderCategory.name))
    return {
        "kind": dict(RESULT_KINDS),
        "document": {v.document_id: v.document.title for v in versions},
        "version": {
            v.id: _("%(title)s, version %(number)s", title=v.document.title, number=v.number)
            for v in versions
        },
        "category": {row[0]: row[1] for row in categories},
        "comment_kind": {key: str(label) for key, label in KIND_LABELS.items()},
        "outcome": outcome_labels(),
    }


def _hits(ids: list[int], match: Any) -> list[dict[str, Any]]:
    if not ids:
        return []
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        config = cast(SearchEntry.config, REGCONFIG)
        options = f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, ShortWord=0"
        title = func.ts_headline(config, SearchEntry.title, match, f"{options}, HighlightAll=true")
        body = func.ts_headline(config, SearchEntry.body, match, options)
        marked = select(SearchEntry.id, title, body).where(SearchEntry.id.in_(ids))
    else:
        marked = (
            select(
                _FTS_TABLE.c.rowid,
                func.highlight(_FTS, 0, START, STOP),
                func.snippet(_FTS, 1, START, STOP, "…", 32),
            )
            .select_from(_FTS_TABLE)
            .where(_FTS.op("MATCH")(match), _FTS_TABLE.c.rowid.in_(ids))
        )
    snippets = {row[0]: (row[1], row[2]) for row in db.session.execute(marked)}
    rows = db.session.execute(
        select(
            SearchEntry,
            Document.slug,
            Version.number,
            Version.language,
            Comment.language,
            Provision.key,
            Section,
            Comment.organisation_name,
            StakeholderCategory.name,
        )
        .join(Document, Document.id == SearchEntry.document_id)
        .join(Version, Version.id == SearchEntry.version_id)
        .join(Provision, Provision.id == SearchEntry.provision_id)
        .join(Section, Section.id == SearchEntry.section_id)
        .outerjoin(Comment, Comment.id == SearchEntry.comment_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == SearchEntry.category_id)
        .where(SearchEntry.id.in_(ids))
        .options(defer(SearchEntry.tsv), defer(SearchEntry.body))  # the snippets stand for them
    ).all()
    by_id = {}
    for (
        entry,
        slug,
        number,
        text_language,
        comment_language,
        key,
        section,
        organisation,
        category,
    ) in rows:
        title, body = snippets.get(entry.id, (entry.title, ""))
        by_id[entry.id] = {
            "entry": entry, "slug": slug, "number": number, "key": key,
            "section_title": section.title, "organisation": organisation, "category": category,
            "title": mark(title), "snippet": mark(body), "text_language": text_language,
            "language": comment_language if entry.kind == "comment" else text_language,
        }  # fmt: skip
    return [by_id[i] for i in ids if i in by_id]


def _matches(
    search: Search, condition: Any, readable: Any, rank: Any
) -> tuple[list[Any], list[int]]:
    """Facet groups with their counts, and the ids of the page, from one statement.

    The matches (with their rank) are computed once in a materialised CTE; grouping them and
    picking one page then read that instead of matching and visiting each entry twice.
    """
    columns = [column.label(name) for name, column in FACETS.items()]
    matched = (
        _from(
            select(SearchEntry.id.label("id"), rank.label("rank"), SearchEntry.created_at, *columns)
        )
        .where(condition, readable)
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    order = (
        [matched.c.created_at.desc(), matched.c.id.desc()]
        if search.sort == "newest"
        else [matched.c.rank, matched.c.id.desc()]
    )
    page = (
        select(matched.c.id, func.row_number().over(order_by=order).label("position"))
        .where(*[matched.c[name] == value for name, value in search.filters.items()])
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((search.page - 1) * PER_PAGE)
        .subquery("page")
    )
    facets = [matched.c[name] for name in FACETS]
    grouped = select(*facets, func.count(), cast(null(), Integer), cast(null(), Integer))
    picked = select(
        *[cast(null(), column.type) for column in facets],
        literal(0, Integer),
        page.c.id,
        page.c.position,
    )
    rows = db.session.execute(grouped.group_by(*facets).union_all(picked)).all()
    groups = [row[: len(FACETS) + 1] for row in rows if row[-2] is None]
    ids = [row[-2] for row in sorted((r for r in rows if r[-2] is not None), key=lambda r: r[-1])]
    return groups, ids


def run(search: Search, user: Any) -> Result:
    """Search what `user` may read; a bounded number of queries whatever the data."""
    terms = search.terms
    if not terms:
        return Result(0, [], [], 1)
    versions, readable = _scope(user)
    condition, rank, match = _match(terms)
    rows, ids = _matches(search, condition, readable, rank)
    total, counts = _facet_counts(rows, search.filters)
    labels = _labels(versions)
    facets = []
    for name in FACETS:
        values = sorted(counts[name].items(), key=lambda item: (-item[1], str(item[0])))
        facets.append(
            (
                name,
                FACET_TITLES[name],
                [(v, labels[name].get(v, str(v)), n) for v, n in values if v in labels[name]],
            )
        )
    return Result(total, _hits(ids, match), facets, max(1, -(-total // PER_PAGE)))
