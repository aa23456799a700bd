"""Every user-text column has a maximum length in its column: a named CHECK (issue 12, defect 6)

Over-long rows stop the upgrade, naming table, column and count; with
CONSULT_TRUNCATE_OVERLONG=1 in the environment they are cut to the limit instead (a JSON
column's value is replaced by {"truncated": true}).

Revision ID: 4c1e5a7d2b90
Revises: 9f3a1c0e7b21
Create Date: 2026-11-28 22:30:00.000000

"""
import logging
import os

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c1e5a7d2b90'
down_revision = '9f3a1c0e7b21'
branch_labels = None
depends_on = None

logger = logging.getLogger("alembic.runtime.migration")

# Frozen copy of the limits in the models at this revision (consult/*/models.py).
LIMITS = {
    'adoptions': [('note', 2000), ('link', 500), ('withdrawal_reason', 2000)],
    'api_tokens': [('name', 80)],
    'attachment_blobs': [('text', 1000000)],
    'attachments': [('filename', 200)],
    'audit_events': [('summary', 5000), ('data', 1000000)],
    'changes': [('note', 2000)],
    'codes': [('title', 250), ('summary', 2000)],
    'comment_reports': [('note', 20000)],
    'comment_revisions': [('body', 20000), ('quote', 20000), ('proposed_text', 20000)],
    'comments': [
        ('organisation_name', 200),
        ('body', 20000),
        ('quote', 20000),
        ('proposed_text', 20000),
        ('hidden_reason', 2000),
        ('approved_by_name', 200),
    ],
    'disposition_records': [('rationale', 5000)],
    'dispositions': [
        ('rationale', 5000),
        ('decided_body', 20000),
        ('decided_quote', 20000),
        ('decided_proposed_text', 20000),
    ],
    'documents': [('title', 250), ('summary', 5000)],
    'event_agenda_items': [('title', 200)],
    'event_question_reports': [('reason', 500)],
    'event_questions': [('body', 2000), ('answer', 10000), ('hidden_reason', 500)],
    'events': [
        ('title', 200),
        ('description', 10000),
        ('online_url', 500),
        ('place', 300),
        ('minutes', 50000),
        ('recording_url', 500),
        ('slides_url', 500),
    ],
    'memberships': [('statement', 2000), ('decision_reason', 2000)],
    'notifications': [('subject', 200), ('body_text', 200000)],
    'organisation_domains': [('domain', 253)],
    'organisations': [('name', 200), ('transparency_register_id', 20)],
    'outbox_messages': [
        ('to_addr', 320),
        ('subject', 200),
        ('body_text', 200000),
        ('last_error', 2000),
        ('list_unsubscribe', 600),
    ],
    'pact_commitments': [('title', 200)],
    'pledge_items': [('text', 2000)],
    'report_entries': [('text', 2000)],
    'report_rounds': [('title', 200)],
    'review_requests': [('reason', 2000), ('decision_note', 2000)],
    'section_translations': [('label', 100), ('heading', 400), ('body', 100000)],
    'sections': [('number', 20), ('heading', 300), ('body', 50000)],
    'signatory_report_entries': [('text', 2000)],
    'signatures': [
        ('signatory_name', 120),
        ('signatory_function', 120),
        ('authority', 2000),
        ('withdrawal_reason', 2000),
    ],
    'similarity_groups': [('campaign_name', 120)],
    'stakeholder_categories': [('name', 80)],
    'update_subscribers': [('email', 320)],
    'users': [('email', 320), ('display_name', 120), ('bio', 2000)],
    'versions': [('changelog', 20000)],
    'working_groups': [('name', 200), ('mandate', 20000)],
    'workspace_draft_changes': [('body', 20000), ('quote', 20000), ('proposed_text', 20000)],
    'workspace_drafts': [('body', 20000), ('quote', 20000), ('proposed_text', 20000)],
    'workspace_notes': [('body', 5000)],
}
JSON_COLUMNS = {('audit_events', 'data')}


def _length(table, column):
    if (table, column) in JSON_COLUMNS:
        return f"length(CAST({column} AS TEXT))"
    return f"length({column})"


def _name(table, column):
    return f"ck_{table}_{column}_max_length"


def _overlong(bind):
    """(table, column, limit, rows) for every column holding values over its limit."""
    found = []
    for table, columns in LIMITS.items():
        for column, limit in columns:
            count = bind.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE {_length(table, column)} > {limit}")
            ).scalar()
            if count:
                found.append((table, column, limit, count))
    return found


def _truncate(bind, table, column, limit):
    if (table, column) in JSON_COLUMNS:
        value = sa.text(f"""UPDATE {table} SET {column} = '{{"truncated": true}}' """
                        f"WHERE {_length(table, column)} > {limit}")
    else:
        value = sa.text(f"UPDATE {table} SET {column} = substr({column}, 1, {limit}) "
                        f"WHERE length({column}) > {limit}")
    bind.execute(value)


def upgrade():
    bind = op.get_bind()
    overlong = _overlong(bind)
    if overlong:
        lines = "\n".join(
            f"  {table}.{column}: {count} row(s) longer than {limit} characters"
            for table, column, limit, count in overlong
        )
        if os.environ.get("CONSULT_TRUNCATE_OVERLONG") != "1":
            raise RuntimeError(
                "Refusing to add the length limits: these columns hold longer values.\n"
                f"{lines}\n"
                "Shorten them, or run again with CONSULT_TRUNCATE_OVERLONG=1 to cut them "
                "to the limit."
            )
        for table, column, limit, _count in overlong:
            _truncate(bind, table, column, limit)
        total = sum(count for *_rest, count in overlong)
        logger.warning("Truncated %s over-long value(s) to their limits:\n%s", total, lines)
    for table, columns in LIMITS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, limit in columns:
                batch_op.create_check_constraint(
                    op.f(_name(table, column)), f"{_length(table, column)} <= {limit}"
                )


def downgrade():
    for table, columns in LIMITS.items():
        with op.batch_alter_table(table) as batch_op:
            for column, _limit in columns:
                batch_op.drop_constraint(op.f(_name(table, column)), type_='check')
