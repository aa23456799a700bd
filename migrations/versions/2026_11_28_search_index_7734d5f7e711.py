"""search index: search_entries with FTS5 (SQLite) or a tsvector and GIN index (PostgreSQL)

Revision ID: 7734d5f7e711
Revises: b383a02ec93c
Create Date: 2026-11-28 14:30:00

After upgrading a database that already holds content, run `flask consult reindex` once.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import consult.db


# revision identifiers, used by Alembic.
revision = '7734d5f7e711'
down_revision = 'b383a02ec93c'
branch_labels = None
depends_on = None

# Copied from consult/search/models.py at the time of writing (a migration must not change
# when the application code does).
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
PG_DDL = (
    "CREATE FUNCTION search_entries_tsv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "NEW.tsv := setweight(to_tsvector(NEW.config::regconfig, coalesce(NEW.title, '')), 'A') || "
    "setweight(to_tsvector(NEW.config::regconfig, coalesce(NEW.body, '')), 'B'); "
    "RETURN NEW; END $$",
    "CREATE TRIGGER search_entries_tsv BEFORE INSERT OR UPDATE OF config, title, body "
    "ON search_entries FOR EACH ROW EXECUTE FUNCTION search_entries_tsv()",
    "DO $$ BEGIN ALTER TABLE search_entries ALTER COLUMN tsv SET COMPRESSION lz4, "
    "ALTER COLUMN body SET COMPRESSION lz4; EXCEPTION WHEN others THEN NULL; END $$",
)


def upgrade():
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('provision_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('is_confidential', sa.Boolean(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('comment_kind', sa.String(length=12), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('config', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', consult.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_entries_kind_object_id'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index('ix_search_entries_comment', ['comment_id'], unique=False)
        batch_op.create_index('ix_search_entries_facets', ['id', 'kind', 'document_id', 'version_id', 'category_id', 'comment_kind', 'outcome', 'is_confidential', 'author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_search_entries_tsv', ['tsv'], unique=False, postgresql_using='gin')
        batch_op.create_index('ix_search_entries_version_created', ['version_id', 'created_at'], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_DDL if dialect == 'sqlite' else PG_DDL if dialect == 'postgresql' else ():
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute('DROP TABLE IF EXISTS search_fts')
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entries_version_created')
        batch_op.drop_index('ix_search_entries_tsv', postgresql_using='gin')
        batch_op.drop_index('ix_search_entries_facets')
        batch_op.drop_index('ix_search_entries_comment')

    op.drop_table('search_entries')
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS search_entries_tsv() CASCADE')
