"""languages: users.locale keeps the language a person chose for pages and e-mails

Revision ID: 3b7f2c9e4a10
Revises: 3b7f2c9e1a64
Create Date: 2026-11-28 17:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7f2c9e4a10'
down_revision = '3b7f2c9e1a64'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy of `users` would drop the
    # table that comments, memberships and others still reference.
    op.drop_column('users', 'locale')
