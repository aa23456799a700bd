"""One live adoption per version instead of one adoption ever: a version whose adoption was
withdrawn as made in error can be put forward again; the withdrawn row stays as the record

The unique constraint on adoptions.version_id becomes a partial unique index over the rows that
are not withdrawn, and version_id gets a plain index for the history lookups. The downgrade
stops, naming the versions, when one has more than one adoption row.

Revision ID: 7b2e4d9a1c35
Revises: 4c1e5a7d2b90
Create Date: 2026-11-29 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b2e4d9a1c35'
down_revision = '4c1e5a7d2b90'
branch_labels = None
depends_on = None

LIVE = sa.text("status != 'withdrawn'")


def upgrade():
    with op.batch_alter_table('adoptions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_adoptions_version_id', type_='unique')
        batch_op.create_index('ix_adoptions_version_id', ['version_id'], unique=False)
    op.create_index(
        'uq_adoptions_live_version', 'adoptions', ['version_id'], unique=True,
        sqlite_where=LIVE, postgresql_where=LIVE,
    )


def downgrade():
    repeated = op.get_bind().execute(sa.text(
        "SELECT version_id FROM adoptions GROUP BY version_id HAVING COUNT(*) > 1"
    )).scalars().all()
    if repeated:
        raise RuntimeError(
            "Cannot go back to one adoption per version: versions "
            + ", ".join(str(v) for v in repeated)
            + " were put forward again after a withdrawal. Delete the rows to keep first."
        )
    op.drop_index('uq_adoptions_live_version', table_name='adoptions')
    with op.batch_alter_table('adoptions', schema=None) as batch_op:
        batch_op.drop_index('ix_adoptions_version_id')
        batch_op.create_unique_constraint('uq_adoptions_version_id', ['version_id'])
