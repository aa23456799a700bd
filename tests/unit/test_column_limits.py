"""Every user-text column has a maximum length in its column, the same as its form's (issue 12,
defect 6): a named CHECK on SQLite and PostgreSQL, one constant shared with the form."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DataError, IntegrityError
from wtforms.validators import Length

import config
from consult import create_app
from consult.accounts import forms as account_forms
from consult.accounts import org_forms
from consult.accounts.models import Organisation, OrganisationDomain, StakeholderCategory, User
from consult.adoption import forms as adoption_forms
from consult.adoption import models as adoption
from consult.api.forms import CreateTokenForm
from consult.api.models import ApiToken
from consult.attachments.models import EXTRACTED_TEXT_MAX
from consult.comments import forms as comment_forms
from consult.comments import workspace_forms
from consult.comments.models import COMMENT_TEXT_MAX, Comment, CommentReport
from consult.comments.review import ReviewDecisionForm, ReviewRequestForm
from consult.comments.review_models import ReviewRequest
from consult.comments.workspace_models import WorkspaceDraft, WorkspaceNote
from consult.core.models import AuditEvent, OutboxMessage
from consult.db import MAX_LENGTH, Base
from consult.drafts import forms as draft_forms
from consult.drafts.errors import ImportErrors
from consult.drafts.importer import parse_markdown
from consult.drafts.models import Document, Section, Version
from consult.events import forms as event_forms
from consult.events.models import AgendaItem, Event, Question, QuestionReport
from consult.groups import forms as group_forms
from consult.groups.models import Membership, WorkingGroup
from consult.groups.update_forms import SubscribeForm
from consult.groups.update_models import UpdateSubscriber
from consult.moderation import forms as moderation_forms
from consult.moderation import similar_forms
from consult.moderation.grouping_models import SimilarityGroup
from consult.moderation.models import Change, Disposition
from tests import factories
from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]

# String columns that hold no text a person typed: enum values, codes checked against a list
# or a pattern (VARCHAR(n) on PostgreSQL, and the form's Length/Regexp on SQLite), hashes,
# tokens and identifiers the application makes. Each new String/Text column must either be
# bounded (consult.db.bounded_text/bounded_string) or be added here with its reason.
NOT_USER_TEXT = {
    # enum values and states
    "adoptions.status",
    "attachments.owner_type",
    "audit_events.action",
    "audit_events.object_type",
    "comment_reports.reason",
    "comment_reports.status",
    "comments.pact_status",
    "comments.author_role",
    "comments.kind",
    "comments.proposal_scope",
    "comments.state",
    "comments.locked_reason",
    "disposition_records.outcome",
    "dispositions.outcome",
    "documents.visibility",
    "endorsements.stance",
    "event_question_reports.status",
    "event_questions.status",
    "event_registrations.status",
    "events.kind",
    "events.access",
    "events.status",
    "memberships.role",
    "memberships.status",
    "organisation_memberships.status",
    "organisation_memberships.confirmed_via",
    "organisations.pact_status",
    "outbox_messages.status",
    "pact_change_requests.pact_status",
    "pact_change_requests.status",
    "provisions.kind",
    "report_entries.status",
    "report_reminders.kind",
    "review_requests.status",
    "revisions.status",
    "sections.kind",
    "signatory_reminders.kind",
    "signatory_report_entries.status",
    "signatures.status",
    "similarity_groups.level",
    "update_subscribers.status",
    "users.notify_mode",
    "versions.status",
    "working_groups.admission_rule",
    "workspace_draft_changes.action",
    "workspace_draft_changes.kind",
    "workspace_drafts.kind",
    "workspace_drafts.proposal_scope",
    "workspace_drafts.status",
    # language codes from a fixed list
    "comments.language",
    "comments.quote_language",
    "section_translations.language",
    "update_subscribers.language",
    "users.locale",
    "versions.language",
    # codes typed under a pattern (Regexp in the form) or derived by the importer
    "codes.slug",
    "documents.slug",
    "working_groups.slug",
    "stakeholder_categories.slug",
    "pact_commitments.key",
    "provisions.key",
    "provision_keys.key",
    "organisations.country",
    "attachment_blobs.file_type",
    "update_announcements.key",
    # hashes, tokens, nonces and paths the application makes
    "api_tokens.token_hash",
    "api_tokens.prefix",
    "attachment_blobs.sha256",
    "comment_fingerprints.text_hash",
    "event_calendar_tokens.token",
    "pending_comments.token",
    "section_translations.source_hash",
    "signatures.pdf_path",
    "update_subscribers.token",
    "users.password_hash",
    "users.session_nonce",
    # The search index copies bounded columns (titles, bodies, rationales) and its tsvector;
    # it is rebuilt from them, and a table copy on SQLite would drop its FTS5 triggers.
    "search_entries.kind",
    "search_entries.comment_kind",
    "search_entries.outcome",
    "search_entries.config",
    "search_entries.title",
    "search_entries.body",
    "search_entries.tsv",
}


def _check_name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_max_length"


def _checks(table: sa.Table) -> dict[str, str]:
    return {
        str(c.name): str(c.sqltext)
        for c in table.constraints
        if isinstance(c, sa.CheckConstraint) and c.name
    }


def _bounded_columns() -> list[tuple[str, str, int]]:
    return [
        (table.name, column.name, column.info[MAX_LENGTH])
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if MAX_LENGTH in column.info
    ]


def test_every_text_column_is_bounded_or_allowed(app: Flask) -> None:
    unbounded, stale = [], []
    for table in Base.metadata.sorted_tables:
        checks = _checks(table)
        for column in table.columns:
            key = f"{table.name}.{column.name}"
            is_text = isinstance(column.type, sa.String)
            has_check = _check_name(table.name, column.name) in checks
            if is_text and not has_check and key not in NOT_USER_TEXT:
                unbounded.append(key)
            if key in NOT_USER_TEXT and (has_check or not is_text):
                stale.append(key)
    assert unbounded == [], "bound these columns or say why they hold no user text"
    assert stale == []
    columns = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns}
    assert columns >= NOT_USER_TEXT, "the allow-list names a column that is gone"


def test_checks_measure_the_declared_limit(app: Flask) -> None:
    bounded = _bounded_columns()
    assert len(bounded) >= 80
    for table_name, column, limit in bounded:
        sqltext = _checks(Base.metadata.tables[table_name])[_check_name(table_name, column)]
        assert sqltext.startswith("length(") and sqltext.endswith(f") <= {limit}"), sqltext
        assert column in sqltext


def test_the_database_has_every_check(db: Any) -> None:
    """Created from the models on this run's database (SQLite or PostgreSQL), by name."""
    inspector = sa.inspect(db.session.connection())
    missing = []
    for table_name, column, _limit in _bounded_columns():
        names = {c["name"] for c in inspector.get_check_constraints(table_name)}
        if _check_name(table_name, column) not in names:
            missing.append(f"{table_name}.{column}")
    assert missing == []


def _samples() -> list[tuple[Any, str, Any]]:
    """(model, attribute, a row of it) for columns across the domains."""
    version = factories.VersionFactory(status="editing")  # sections go in while editing
    section = factories.SectionFactory(version=version)
    version.status = "published"
    factories.db.session.flush()
    comment = factories.CommentFactory(section=section)

    report = factories.ReportFactory(comment=comment)
    disposition = factories.DispositionFactory(comment=comment)
    author = comment.author
    audit = AuditEvent(action="test", object_type="test", summary="", data={})
    subscriber = UpdateSubscriber(email="someone@example.org", token="t" * 32)
    factories.db.session.add_all([audit, subscriber])
    factories.db.session.flush()
    return [
        (Comment, "hidden_reason", comment),  # the hide/uphold reason of defect 6
        (Comment, "body", comment),
        (Comment, "proposed_text", comment),
        (CommentReport, "note", report),
        (Disposition, "rationale", disposition),
        (User, "bio", author),
        (User, "display_name", author),
        (Organisation, "name", author.organisation),
        (Section, "body", comment.section),
        (Section, "heading", comment.section),
        (Document, "title", comment.section.version.document),
        (Version, "changelog", comment.section.version),
        (WorkingGroup, "mandate", comment.section.version.document.group),
        (AuditEvent, "summary", audit),
        (UpdateSubscriber, "email", subscriber),
    ]


def _set(db: Any, model: Any, attribute: str, row_id: int, value: str) -> None:
    table = model.__table__
    db.session.execute(sa.update(table).where(table.c.id == row_id).values({attribute: value}))


def test_one_character_over_the_limit_is_refused(db: Any) -> None:
    samples = _samples()
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for model, attribute, row in samples:
        column = model.__table__.c[attribute]
        limit = column.info[MAX_LENGTH]
        with db.session.begin_nested():
            _set(db, model, attribute, row.id, "é" * limit)  # characters, not bytes
        varchar = isinstance(column.type, sa.String) and column.type.length == limit
        # PostgreSQL checks VARCHAR(n) before the CHECK; SQLite only has the CHECK.
        expected = (IntegrityError, DataError) if postgres and varchar else IntegrityError
        with pytest.raises(expected) as caught, db.session.begin_nested():
            _set(db, model, attribute, row.id, "x" * (limit + 1))
        if isinstance(caught.value, IntegrityError):
            assert _check_name(model.__tablename__, attribute) in str(caught.value)


def test_audit_data_is_bounded_as_json(db: Any) -> None:
    audit = AuditEvent(action="test", object_type="test", summary="", data={})
    db.session.add(audit)
    db.session.flush()
    limit = AuditEvent.__table__.c.data.info[MAX_LENGTH]
    with pytest.raises(IntegrityError), db.session.begin_nested():
        audit.data = {"x": "y" * limit}
        db.session.flush()


def _length_max(form: Any, field: str) -> int:
    unbound = getattr(form, field)
    validators = unbound.kwargs.get("validators") or unbound.args[1]
    maxima = [v.max for v in validators if isinstance(v, Length)]
    assert len(maxima) == 1, f"{form.__name__}.{field}"
    return int(maxima[0])


FORM_COLUMNS = [
    (comment_forms.HideForm, "reason", Comment.hidden_reason),
    (ReviewRequestForm, "reason", ReviewRequest.reason),
    (ReviewDecisionForm, "note", ReviewRequest.decision_note),
    (workspace_forms.DraftForm, "body", WorkspaceDraft.body),
    (workspace_forms.DraftForm, "quote", WorkspaceDraft.quote),
    (workspace_forms.DraftForm, "proposed_text", WorkspaceDraft.proposed_text),
    (workspace_forms.NoteForm, "body", WorkspaceNote.body),
    (moderation_forms.DispositionForm, "rationale", Disposition.rationale),
    (moderation_forms.BulkActionForm, "rationale", Disposition.rationale),
    (similar_forms.GroupDispositionForm, "rationale", Disposition.rationale),
    (similar_forms.DuplicatesForm, "rationale", Disposition.rationale),
    (similar_forms.CampaignForm, "name", SimilarityGroup.campaign_name),
    (moderation_forms.SectionEditForm, "number", Section.number),
    (moderation_forms.SectionEditForm, "heading", Section.heading),
    (moderation_forms.SectionEditForm, "body", Section.body),
    (moderation_forms.SectionEditForm, "note", Change.note),
    (moderation_forms.AddSectionForm, "body", Section.body),
    (moderation_forms.AddSectionForm, "note", Change.note),
    (moderation_forms.PublishForm, "changelog", Version.changelog),
    (account_forms.ProfileForm, "bio", User.bio),
    (account_forms.SignupForm, "email", User.email),
    (account_forms.SignupForm, "display_name", User.display_name),
    (account_forms.SignupForm, "org_name", Organisation.name),
    (account_forms.SignupForm, "org_register_id", Organisation.transparency_register_id),
    (account_forms.OrganisationForm, "name", Organisation.name),
    (
        account_forms.OrganisationForm,
        "transparency_register_id",
        Organisation.transparency_register_id,
    ),
    (account_forms.CategoryForm, "name", StakeholderCategory.name),
    (org_forms.DomainForm, "domain", OrganisationDomain.domain),
    (CreateTokenForm, "name", ApiToken.name),
    (SubscribeForm, "email", UpdateSubscriber.email),
    (group_forms.JoinForm, "statement", Membership.statement),
    (group_forms.DeclineForm, "reason", Membership.decision_reason),
    (group_forms.SettingsForm, "mandate", WorkingGroup.mandate),
    (event_forms.EventForm, "title", Event.title),
    (event_forms.EventForm, "description", Event.description),
    (event_forms.EventForm, "place", Event.place),
    (event_forms.QuestionForm, "body", Question.body),
    (event_forms.AnswerForm, "answer", Question.answer),
    (event_forms.ReasonForm, "reason", QuestionReport.reason),
    (event_forms.ReasonForm, "reason", Question.hidden_reason),
    (event_forms.UpholdQuestionReportForm, "reason", Question.hidden_reason),
    (event_forms.OutcomeForm, "minutes", Event.minutes),
    (draft_forms.DocumentForm, "title", Document.title),
    (draft_forms.DocumentForm, "summary", Document.summary),
    (draft_forms.SectionForm, "number", Section.number),
    (draft_forms.SectionForm, "heading", Section.heading),
    (draft_forms.SectionForm, "body", Section.body),
    (draft_forms.PublishForm, "changelog", Version.changelog),
    (adoption_forms.AdoptForm, "note", adoption.Adoption.note),
    (adoption_forms.AdoptForm, "link", adoption.Adoption.link),
    (adoption_forms.UnadoptForm, "reason", adoption.Adoption.withdrawal_reason),
    (adoption_forms.CodeForm, "title", adoption.Code.title),
    (adoption_forms.CodeForm, "summary", adoption.Code.summary),
    (adoption_forms.SignForm, "signatory_name", adoption.Signature.signatory_name),
    (adoption_forms.SignForm, "signatory_function", adoption.Signature.signatory_function),
    (adoption_forms.SignForm, "authority", adoption.Signature.authority),
    (adoption_forms.WithdrawForm, "reason", adoption.Signature.withdrawal_reason),
    (adoption_forms.CommitmentForm, "title", adoption.PactCommitment.title),
    (adoption_forms.RoundForm, "title", adoption.ReportRound.title),
]


@pytest.mark.parametrize(
    ("form", "field", "column"),
    FORM_COLUMNS,
    ids=[f"{form.__name__}.{field}" for form, field, _ in FORM_COLUMNS],
)
def test_form_maximum_is_the_column_limit(form: Any, field: str, column: Any) -> None:
    assert _length_max(form, field) == column.property.columns[0].info[MAX_LENGTH]


def test_built_pledge_and_report_forms_use_the_entry_limit(app: Flask) -> None:
    limit = adoption.PledgeItem.__table__.c.text.info[MAX_LENGTH]
    assert adoption.ReportEntry.__table__.c.text.info[MAX_LENGTH] == limit
    assert adoption.SignatoryReportEntry.__table__.c.text.info[MAX_LENGTH] == limit
    with app.test_request_context():
        commitment = SimpleNamespace(id=7, title="Transparency", is_core=True)
        pledge = adoption_forms.build_pledge_form([commitment])
        report = adoption_forms.build_report_form([(7, "Transparency")])
        for field in (pledge["text_7"], report["text_7"]):
            assert [v.max for v in field.validators if isinstance(v, Length)] == [limit]
            assert f'maxlength="{limit}"' in field()


def test_rendered_fields_carry_the_column_limit_as_maxlength(app: Flask) -> None:
    with app.test_request_context():
        assert 'maxlength="2000"' in comment_forms.HideForm().reason()
        assert Comment.__table__.c.hidden_reason.info[MAX_LENGTH] == 2000
        assert f'maxlength="{AgendaItem.__table__.c.title.info[MAX_LENGTH]}"' in (
            event_forms.EventForm().title()
        )


def test_configured_maxima_fit_their_columns(app: Flask) -> None:
    """COMMENT_MAX_LENGTH and ATTACHMENT_MAX_CHARS are configuration; the columns are not."""
    assert config.Config.COMMENT_MAX_LENGTH <= COMMENT_TEXT_MAX
    assert app.config["COMMENT_MAX_LENGTH"] <= COMMENT_TEXT_MAX
    for table, column in (
        ("comments", "body"),
        ("comments", "quote"),
        ("comments", "proposed_text"),
        ("comment_reports", "note"),
        ("comment_revisions", "body"),
        ("workspace_drafts", "body"),
        ("dispositions", "decided_body"),
    ):
        assert Base.metadata.tables[table].c[column].info[MAX_LENGTH] == COMMENT_TEXT_MAX
    assert int(app.config.get("ATTACHMENT_MAX_CHARS", 500_000)) <= EXTRACTED_TEXT_MAX


def test_a_configured_comment_maximum_never_exceeds_the_column(app: Flask) -> None:
    saved = app.config["COMMENT_MAX_LENGTH"]
    app.config["COMMENT_MAX_LENGTH"] = 10 * COMMENT_TEXT_MAX
    try:
        with app.test_request_context(method="POST"):
            form = comment_forms.ReplyForm(data={"body": "x" * (COMMENT_TEXT_MAX + 1)})
            assert not form.validate()
            assert form.body.errors
            form = comment_forms.ReplyForm(data={"body": "x" * COMMENT_TEXT_MAX})
            form.validate()
            assert not form.body.errors
    finally:
        app.config["COMMENT_MAX_LENGTH"] = saved


# The migration: over-long rows stop it; CONSULT_TRUNCATE_OVERLONG=1 cuts them.
PREVIOUS_HEAD = "9f3a1c0e7b21"


def _flask_db(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi.py"}
    environ.pop("CONSULT_TRUNCATE_OVERLONG", None)
    environ.update(CONSULT_ENV="development", **env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _overlong_rows(url: str) -> None:
    """A user whose bio is 2,001 characters and an audit summary of 5,003, both Text columns
    (PostgreSQL would refuse an over-long VARCHAR before the migration could see it). The
    audit rows refer to the user: SQLite's table copy must not delete or refuse them."""
    engine = sa.create_engine(url)
    now = "2026-11-01 10:00:00"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, display_name, password_hash, is_admin,"
                " is_disabled, notify_mode, bio, session_nonce, listed_publicly, created_at,"
                " updated_at) VALUES (3, 'u3@example.org', 'X', 'h', false, false, 'immediate',"
                " :bio, 'n', false, :now, :now)"
            ),
            {"bio": "b" * 2001, "now": now},
        )
        for summary in ("s" * 5003, "fits"):
            conn.execute(
                sa.text(
                    "INSERT INTO audit_events (at, actor_id, action, object_type, summary, data)"
                    " VALUES (:now, 3, 'test', 'test', :summary, '{}')"
                ),
                {"summary": summary, "now": now},
            )
    engine.dispose()


def test_migration_refuses_overlong_rows_and_truncates_them_when_asked(tmp_path: Path) -> None:
    with fresh_database("consult_limits", tmp_path) as url:
        result = _flask_db(url, "upgrade", PREVIOUS_HEAD)
        assert result.returncode == 0, result.stderr[-3000:]
        _overlong_rows(url)

        refused = _flask_db(url, "upgrade")
        assert refused.returncode != 0
        assert "users.bio: 1 row(s) longer than 2000 characters" in refused.stderr
        assert "audit_events.summary: 1 row(s) longer than 5000 characters" in refused.stderr
        assert "CONSULT_TRUNCATE_OVERLONG=1" in refused.stderr
        assert PREVIOUS_HEAD in _flask_db(url, "current").stdout

        done = _flask_db(url, "upgrade", CONSULT_TRUNCATE_OVERLONG="1")
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Truncated 2 over-long value(s)" in done.stderr
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            bio = conn.execute(sa.text("SELECT bio FROM users WHERE id = 3")).scalar_one()
            rows = conn.execute(sa.text("SELECT actor_id, summary FROM audit_events ORDER BY id"))
            assert bio == "b" * 2000
            assert [tuple(row) for row in rows] == [(3, "s" * 5000), (3, "fits")]

        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(sa.text("UPDATE users SET bio = :bio"), {"bio": "b" * 2001})
        engine.dispose()


# What no form bounds: imported Markdown, e-mails, audit records. They fit their columns.


def test_an_imported_section_longer_than_its_column_is_refused_with_its_line(app: Flask) -> None:
    limit = Section.__table__.c.body.info[MAX_LENGTH]
    text = "## Commitment 1: Fits\n\nShort.\n\n## Commitment 2: Too long\n\n" + "w" * (limit + 1)
    with app.test_request_context(), pytest.raises(ImportErrors) as caught:
        parse_markdown(text)
    assert [line for line, _message in caught.value.errors] == [5]
    assert str(limit) in caught.value.errors[0][1]
    with app.test_request_context():
        assert len(parse_markdown(text, body_max=limit + 1)) == 2


def test_mail_subjects_and_bodies_fit_their_columns(db: Any) -> None:
    from consult.core.outbox import queue_mail

    subject_max = OutboxMessage.__table__.c.subject.info[MAX_LENGTH]
    body_max = OutboxMessage.__table__.c.body_text.info[MAX_LENGTH]
    message = queue_mail("a@example.org", "Re:\r\nBcc: x " + "s" * 1000, "b" * (body_max * 2))
    db.session.flush()
    assert "\n" not in message.subject and len(message.subject) == subject_max
    assert len(message.body_text) == body_max and message.body_text.endswith("[…]\n")


def test_audit_records_fit_their_columns(db: Any) -> None:
    from consult.core import audit

    summary_max = AuditEvent.__table__.c.summary.info[MAX_LENGTH]
    user = factories.UserFactory()
    event = audit.record(user, "test.long", user, summary="r" * (summary_max + 10))
    huge = audit.record(user, "test.huge", user, before={"body": "é" * 400_000}, after={})
    db.session.flush()
    assert len(event.summary) == summary_max
    assert huge.data == {"truncated": True, "keys": ["body"]}


@pytest.mark.parametrize(
    ("setting", "column_max"),
    [("COMMENT_MAX_LENGTH", COMMENT_TEXT_MAX), ("ATTACHMENT_MAX_CHARS", EXTRACTED_TEXT_MAX)],
)
def test_the_app_refuses_a_configured_maximum_above_its_column(
    setting: str, column_max: int
) -> None:
    with pytest.raises(RuntimeError, match=f"{setting} may be at most {column_max:,}"):
        create_app("testing", **{setting: column_max + 1})
