"""Seed the controlled list of stakeholder categories

Revision ID: 64774f49016e
Revises: 2a22c0ddc544
Create Date: 2026-11-21 23:34:37.556380

"""
from alembic import op
import sqlalchemy as sa

import consult.db


# revision identifiers, used by Alembic.
revision = '64774f49016e'
down_revision = '2a22c0ddc544'
branch_labels = None
depends_on = None


CATEGORIES = [
    ("industry", "Industry", 1),
    ("sme", "SMEs", 2),
    ("academia", "Academia", 3),
    ("civil-society", "Civil society", 4),
    ("open-source", "Open source", 5),
]

categories = sa.table(
    "stakeholder_categories",
    sa.column("slug", sa.String),
    sa.column("name", sa.String),
    sa.column("position", sa.Integer),
)


def upgrade():
    op.bulk_insert(
        categories,
        [{"slug": slug, "name": name, "position": pos} for slug, name, pos in CATEGORIES],
    )


def downgrade():
    op.execute(
        categories.delete().where(categories.c.slug.in_([slug for slug, _, _ in CATEGORIES]))
    )
