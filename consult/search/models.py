"""The search index: one row per indexed text, with FTS5 (SQLite) or a tsvector (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, Index, String, Text, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base

KIND_PROVISION = "provision"
KIND_COMMENT = "comment"
KIND_DISPOSITION = "disposition"
RESULT_KINDS = {
    KIND_PROVISION: _l("Provisions"),
    KIND_COMMENT: _l("Comments"),
    KIND_DISPOSITION: _l("Responses to comments"),
}
# PostgreSQL text-search configurations by language; anything else is indexed with 'simple'.
LANGUAGE_CONFIGS = {"en": "english"}
FALLBACK_CONFIG = "simple"

# The FTS5 table mirrors search_entries (external content) and is kept in step by triggers,
# so every write to search_entries in a transaction updates the index in the same transaction.
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_entries', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_entries_au AFTER UPDATE OF title, body ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS search_fts",)
# The tsvector is computed by the database from the row's own config, title and body.
PG_DDL = (
    "CREATE FUNCTION search_entries_tsv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.tsv := setweight(to_tsvector(NEW.config::regconfig, coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector(NEW.config::regconfig, coalesce(NEW.body, '')), 'B'); "
    "RETURN NEW; END $$",
    "CREATE TRIGGER search_entries_tsv BEFORE INSERT OR UPDATE OF config, title, body "
    "ON search_entries FOR EACH ROW EXECUTE FUNCTION search_entries_tsv()",
    # lz4 (PostgreSQL 14+, when built with it) decompresses each match's tsvector ~2x quicker
    # than the default pglz when ranking thousands of matches; without it, the default stays.
    "DO $$ BEGIN ALTER TABLE search_entries ALTER COLUMN tsv SET COMPRESSION lz4, "
    "ALTER COLUMN body SET COMPRESSION lz4; EXCEPTION WHEN others THEN NULL; END $$",
)
PG_DROP = ("DROP FUNCTION IF EXISTS search_entries_tsv() CASCADE",)


class SearchEntry(Base):
    """A provision's text in one version, a comment, or a disposition's rationale.

    Facet values are copied here so a search reads one table; no foreign keys, because the
    index follows its sources (listeners in indexing.py) rather than constraining them.
    Hidden and deleted comments, and undecided dispositions, have no entry at all.
    """

    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index("ix_search_entries_comment", "comment_id"),
        Index("ix_search_entries_version_created", "version_id", "created_at"),
        Index("ix_search_entries_tsv", "tsv", postgresql_using="gin"),
        # Covering the facets and the visibility filter: SQLite reads each match's facets from
        # this small index instead of the wide row that holds the text (3x quicker at 50k).
        Index(
            "ix_search_entries_facets",
            "id",
            "kind",
            "document_id",
            "version_id",
            "category_id",
            "comment_kind",
            "outcome",
            "is_confidential",
            "author_id",
            "created_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    object_id: Mapped[int]
    document_id: Mapped[int]
    version_id: Mapped[int]
    section_id: Mapped[int]
    provision_id: Mapped[int]
    comment_id: Mapped[int | None]
    author_id: Mapped[int | None]
    is_confidential: Mapped[bool] = mapped_column(default=False)
    category_id: Mapped[int | None]
    comment_kind: Mapped[str | None] = mapped_column(String(12))
    outcome: Mapped[str | None] = mapped_column(String(16))
    config: Mapped[str] = mapped_column(String(20), default="english")
    title: Mapped[str] = mapped_column(String(400), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime | None]
    tsv: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))


def _execute_all(statements: tuple[str, ...], dialect: str) -> None:
    for statement in statements:
        event.listen(
            SearchEntry.__table__,
            "after_create" if "DROP" not in statement else "before_drop",
            DDL(statement).execute_if(dialect=dialect),
        )


_execute_all(SQLITE_DDL + SQLITE_DROP, "sqlite")
_execute_all(PG_DDL + PG_DROP, "postgresql")
