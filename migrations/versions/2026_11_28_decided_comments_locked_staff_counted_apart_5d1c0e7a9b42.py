"""decided comments locked with their decided text; staff counted apart in comment counters

Revision ID: 5d1c0e7a9b42
Revises: 5d3e8a61c2f4
Create Date: 2026-11-28 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c0e7a9b42'
down_revision = '5d3e8a61c2f4'
branch_labels = None
depends_on = None

COUNTERS = (
    "INSERT INTO comment_counts "
    "(version_id, section_id, category_id, is_staff, public_count, all_count) "
    "SELECT version_id, section_id, "
    "CASE WHEN author_role IS NULL THEN category_id ELSE NULL END, "
    "CASE WHEN author_role IS NULL THEN {false} ELSE {true} END, "
    "SUM(CASE WHEN is_confidential THEN 0 ELSE 1 END), COUNT(id) "
    "FROM comments WHERE state = 'visible' "
    "GROUP BY version_id, section_id, "
    "CASE WHEN author_role IS NULL THEN category_id ELSE NULL END, "
    "CASE WHEN author_role IS NULL THEN {false} ELSE {true} END"
)


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_reason', sa.String(length=12), nullable=True))
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_quote', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_proposed_text', sa.Text(), nullable=True))
    with op.batch_alter_table('comment_counts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_staff', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table('comment_counts', schema=None) as batch_op:
        batch_op.alter_column('is_staff', server_default=None)

    # Decisions already taken: bind them to the text the comment has now, and lock it.
    for column in ('body', 'quote', 'proposed_text'):
        op.execute(
            f"UPDATE dispositions SET decided_{column} = "
            f"(SELECT comments.{column} FROM comments WHERE comments.id = dispositions.comment_id) "
            "WHERE outcome IS NOT NULL"
        )
    op.execute(
        "UPDATE comments SET locked_reason = 'disposition' WHERE id IN "
        "(SELECT comment_id FROM dispositions WHERE outcome IS NOT NULL)"
    )
    op.execute(
        "UPDATE comments SET locked_reason = 'change' WHERE locked_reason IS NULL AND id IN "
        "(SELECT comment_id FROM change_comments)"
    )
    op.execute(
        "UPDATE comments SET locked_reason = 'duplicate' WHERE locked_reason IS NULL AND id IN "
        "(SELECT duplicate_of_id FROM dispositions WHERE duplicate_of_id IS NOT NULL)"
    )
    # Staff comments move out of their author's category into their own counters.
    op.execute("DELETE FROM comment_counts")
    op.execute(COUNTERS.format(true=_bool(True), false=_bool(False)))


def _bool(value):
    if op.get_bind().dialect.name == 'postgresql':
        return 'TRUE' if value else 'FALSE'
    return '1' if value else '0'


def downgrade():
    op.execute("DELETE FROM comment_counts")
    with op.batch_alter_table('comment_counts', schema=None) as batch_op:
        batch_op.drop_column('is_staff')
    op.execute(
        "INSERT INTO comment_counts (version_id, section_id, category_id, public_count, all_count) "
        "SELECT version_id, section_id, category_id, "
        "SUM(CASE WHEN is_confidential THEN 0 ELSE 1 END), COUNT(id) "
        "FROM comments WHERE state = 'visible' "
        "GROUP BY version_id, section_id, category_id"
    )
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.drop_column('decided_proposed_text')
        batch_op.drop_column('decided_quote')
        batch_op.drop_column('decided_body')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('locked_reason')
