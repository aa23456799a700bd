"""content languages: versions.language, section_translations, comments.language and quote_language

Revision ID: 3b7f2c9e1a64
Revises: 2090b7217d2d
Create Date: 2026-11-28 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import consult.db


# revision identifiers, used by Alembic.
revision = '3b7f2c9e1a64'
down_revision = '2090b7217d2d'
branch_labels = None
depends_on = None


def upgrade():
    # server_default fills existing rows: every version and comment so far was written in English.
    op.add_column(
        'versions', sa.Column('language', sa.String(length=8), server_default='en', nullable=False)
    )
    op.add_column(
        'comments', sa.Column('language', sa.String(length=8), server_default='en', nullable=False)
    )
    op.add_column('comments', sa.Column('quote_language', sa.String(length=8), nullable=True))
    op.create_index('ix_comments_version_language', 'comments', ['version_id', 'language'])
    op.create_table(
        'section_translations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('provision_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('heading', sa.String(length=400), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('source_hash', sa.String(length=64), nullable=False),
        sa.Column('imported_at', consult.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['document_id'], ['documents.id'],
            name=op.f('fk_section_translations_document_id_documents'),
        ),
        sa.ForeignKeyConstraint(
            ['imported_by_id'], ['users.id'],
            name=op.f('fk_section_translations_imported_by_id_users'),
        ),
        sa.ForeignKeyConstraint(
            ['provision_id'], ['provisions.id'],
            name=op.f('fk_section_translations_provision_id_provisions'),
        ),
        sa.ForeignKeyConstraint(
            ['version_id'], ['versions.id'],
            name=op.f('fk_section_translations_version_id_versions'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_section_translations')),
        sa.UniqueConstraint(
            'version_id', 'provision_id', 'language',
            name=op.f('uq_section_translations_version_id_provision_id_language'),
        ),
    )
    op.create_index(
        'ix_section_translations_document_language',
        'section_translations',
        ['document_id', 'language'],
    )
    op.create_index(
        op.f('ix_section_translations_version_id'), 'section_translations', ['version_id']
    )


def downgrade():
    op.drop_index(op.f('ix_section_translations_version_id'), table_name='section_translations')
    op.drop_index('ix_section_translations_document_language', table_name='section_translations')
    op.drop_table('section_translations')
    op.drop_index('ix_comments_version_language', table_name='comments')
    # Plain DROP COLUMN (SQLite 3.35+), as the earlier revisions do for referenced tables.
    op.drop_column('comments', 'quote_language')
    op.drop_column('comments', 'language')
    op.drop_column('versions', 'language')
