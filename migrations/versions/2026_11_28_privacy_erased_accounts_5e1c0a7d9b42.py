"""privacy: users.erased_at marks accounts whose personal data was erased

Revision ID: 5e1c0a7d9b42
Revises: d81a5cd9b309
Create Date: 2026-11-28 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import consult.db


# revision identifiers, used by Alembic.
revision = '5e1c0a7d9b42'
down_revision = 'd81a5cd9b309'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'users', sa.Column('erased_at', consult.db.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `users` would drop the
    # table that comments, memberships and others still reference.
    op.drop_column('users', 'erased_at')
