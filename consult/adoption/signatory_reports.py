"""Implementation reports of code signatories, per signed chapter, on the administrators'
schedule: what is due, submitting, aggregate progress per commitment, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.accounts.organisations import representatives
from consult.adoption.errors import AdoptionError
from consult.adoption.models import (
    PROGRESS,
    SIGNATURE_VERIFIED,
    Code,
    SignatoryReminder,
    SignatoryReport,
    SignatoryReportEntry,
    Signature,
)
from consult.adoption.services import adopted_versions
from consult.core import audit, outbox
from consult.core.lazytext import lazy_gettext as _l
from consult.db import utcnow
from consult.drafts.models import Section
from consult.extensions import db

COMMITMENT = "commitment"
RECENT = 20


@dataclass(frozen=True)
class Due:
    """The next report a signatory owes on one chapter."""

    signature: Signature
    document_id: int
    title: str
    period: int
    due_on: date

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def due_date(signature: Signature, period: int, months: int) -> date:
    """Reports fall due every `months` months after the chapter was signed."""
    return signature.submitted_at.date() + relativedelta(months=period * months)


def commitments_of(version_ids: list[int]) -> dict[int, list[Section]]:
    """Commitment sections per version, in document order (one query)."""
    if not version_ids:
        return {}
    rows = db.session.scalars(
        select(Section)
        .where(Section.version_id.in_(version_ids), Section.kind == COMMITMENT)
        .order_by(Section.version_id, Section.position)
    )
    by_version: dict[int, list[Section]] = {v: [] for v in version_ids}
    for section in rows:
        by_version[section.version_id].append(section)
    return by_version


def _submitted_counts(signature_ids: list[int]) -> dict[tuple[int, int], int]:
    if not signature_ids:
        return {}
    rows = db.session.execute(
        select(SignatoryReport.signature_id, SignatoryReport.document_id, func.count())
        .where(SignatoryReport.signature_id.in_(signature_ids))
        .group_by(SignatoryReport.signature_id, SignatoryReport.document_id)
    ).all()
    return {(s, d): n for s, d, n in rows}


def active_signatures(code: Code) -> list[Signature]:
    """Verified, not withdrawn: the signatures that owe reports."""
    return list(
        db.session.scalars(
            select(Signature)
            .where(
                Signature.code_id == code.id,
                Signature.status == SIGNATURE_VERIFIED,
                Signature.withdrawn_at.is_(None),
            )
            .order_by(Signature.id)
        )
    )


def outstanding(code: Code, signatures: list[Signature] | None = None) -> list[Due]:
    """The next report owed per signed, adopted chapter (bounded queries, whatever the size)."""
    if not code.report_months:
        return []
    if signatures is None:
        signatures = active_signatures(code)
    adopted = adopted_versions([c.document_id for c in code.chapters])
    titles = {c.document_id: c.document.title for c in code.chapters}
    counts = _submitted_counts([s.id for s in signatures])
    result = []
    for signature in signatures:
        for chapter in signature.chapters:
            if chapter.document_id not in adopted:
                continue
            period = counts.get((signature.id, chapter.document_id), 0) + 1
            result.append(
                Due(
                    signature=signature,
                    document_id=chapter.document_id,
                    title=titles.get(chapter.document_id, ""),
                    period=period,
                    due_on=due_date(signature, period, code.report_months),
                )
            )
    return sorted(result, key=lambda d: (d.due_on, d.signature.organisation.name.lower()))


def overdue(code: Code, today: date | None = None) -> list[Due]:
    today = today or utcnow().date()
    return [d for d in outstanding(code) if d.is_overdue(today)]


def due_of(signature: Signature, document_id: int) -> Due | None:
    """What `signature` owes next on one chapter, or None (not signed, not adopted, no schedule)."""
    if signature.status != SIGNATURE_VERIFIED or signature.withdrawn_at is not None:
        return None
    for due in outstanding(signature.code, [signature]):
        if due.document_id == document_id:
            return due
    return None


def submit_report(
    signature: Signature, document_id: int, user: Any, entries: dict[int, tuple[str, str]]
) -> SignatoryReport:
    """Report on a signed chapter: per commitment of its adopted version a status and a text."""
    due = due_of(signature, document_id)
    if due is None:
        raise AdoptionError(_("No report is owed on this chapter."))
    adoption = adopted_versions([document_id])[document_id]
    sections = commitments_of([adoption.version_id])[adoption.version_id]
    if not sections:
        raise AdoptionError(_("This chapter has no commitments to report on."))
    for section in sections:
        status, _text = entries.get(section.provision_id, ("", ""))
        if status not in PROGRESS:
            raise AdoptionError(_("Give a status for every commitment."))
    report = SignatoryReport(
        signature_id=signature.id,
        document_id=document_id,
        version_id=adoption.version_id,
        period=due.period,
        due_on=due.due_on,
        submitted_at=utcnow(),
        submitted_by_id=user.id,
    )
    db.session.add(report)
    db.session.flush()
    for section in sections:
        status, text = entries[section.provision_id]
        db.session.add(
            SignatoryReportEntry(
                report_id=report.id, provision_id=section.provision_id, status=status, text=text
            )
        )
    db.session.flush()
    audit.record(
        user,
        "signatory_report.submit",
        report,
        f"{signature.organisation.name} reported on {due.title} (report {due.period})",
        after={"document_id": document_id, "period": due.period},
    )
    return report


def reports_of(signature: Signature) -> list[SignatoryReport]:
    return list(
        db.session.scalars(
            select(SignatoryReport)
            .where(SignatoryReport.signature_id == signature.id)
            .order_by(SignatoryReport.document_id, SignatoryReport.period)
        )
    )


def recent_reports(code: Code, limit: int = RECENT) -> list[SignatoryReport]:
    """The newest submitted reports of a code's public signatures (register)."""
    return list(
        db.session.scalars(
            select(SignatoryReport)
            .join(Signature, Signature.id == SignatoryReport.signature_id)
            .where(Signature.code_id == code.id, Signature.status == SIGNATURE_VERIFIED)
            .order_by(SignatoryReport.submitted_at.desc(), SignatoryReport.id.desc())
            .limit(limit)
        )
    )


REPORT_FIELDS = [
    "organisation",
    "organisation_id",
    "chapter",
    "chapter_slug",
    "period",
    "due_on",
    "submitted_at",
    "report_url",
    "commitment_number",
    "commitment",
    "provision_key",
    "status",
    "text",
]


def report_records(code: Code, url_for_report: Any) -> list[dict[str, Any]]:
    """Every submitted report of the code's public signatures, one record per commitment
    (one query), oldest first: the register's open data of implementation reports."""
    from consult.accounts.models import Organisation
    from consult.drafts.models import Document, Provision

    rows = db.session.execute(
        select(SignatoryReport, SignatoryReportEntry, Organisation, Document, Section, Provision)
        .join(SignatoryReportEntry, SignatoryReportEntry.report_id == SignatoryReport.id)
        .join(Signature, Signature.id == SignatoryReport.signature_id)
        .join(Organisation, Organisation.id == Signature.organisation_id)
        .join(Document, Document.id == SignatoryReport.document_id)
        .join(Provision, Provision.id == SignatoryReportEntry.provision_id)
        .outerjoin(
            Section,
            (Section.version_id == SignatoryReport.version_id)
            & (Section.provision_id == SignatoryReportEntry.provision_id),
        )
        .where(Signature.code_id == code.id, Signature.status == SIGNATURE_VERIFIED)
        .order_by(SignatoryReport.submitted_at, SignatoryReport.id, SignatoryReportEntry.id)
    ).all()
    return [
        {
            "organisation": organisation.name,
            "organisation_id": organisation.id,
            "chapter": document.title,
            "chapter_slug": document.slug,
            "period": report.period,
            "due_on": report.due_on.isoformat(),
            "submitted_at": report.submitted_at.isoformat(),
            "report_url": url_for_report(report.id),
            "commitment_number": section.number if section else "",
            "commitment": section.heading if section else "",
            "provision_key": provision.key,
            "status": entry.status,
            "text": entry.text,
        }
        for report, entry, organisation, document, section, provision in rows
    ]


def report_sections(report: SignatoryReport) -> dict[int, Section]:
    """The commitment sections the report answers, by provision (one query)."""
    rows = db.session.scalars(
        select(Section).where(
            Section.version_id == report.version_id,
            Section.provision_id.in_([e.provision_id for e in report.entries]),
        )
    )
    return {section.provision_id: section for section in rows}


@dataclass
class ChapterProgress:
    title: str
    rows: list[tuple[Section, dict[str, int]]]


def progress(code: Code) -> list[ChapterProgress]:
    """Per adopted chapter and commitment, the statuses of each signatory's latest report on
    that chapter (three queries)."""
    adopted = adopted_versions([c.document_id for c in code.chapters])
    sections = commitments_of([a.version_id for a in adopted.values()])
    latest = (
        select(func.max(SignatoryReport.id))
        .join(Signature, Signature.id == SignatoryReport.signature_id)
        .where(
            Signature.code_id == code.id,
            Signature.status == SIGNATURE_VERIFIED,
            Signature.withdrawn_at.is_(None),
        )
        .group_by(SignatoryReport.signature_id, SignatoryReport.document_id)
    )
    rows = db.session.execute(
        select(
            SignatoryReport.version_id,
            SignatoryReportEntry.provision_id,
            SignatoryReportEntry.status,
            func.count(),
        )
        .join(SignatoryReport, SignatoryReport.id == SignatoryReportEntry.report_id)
        .where(SignatoryReportEntry.report_id.in_(latest))
        .group_by(
            SignatoryReport.version_id,
            SignatoryReportEntry.provision_id,
            SignatoryReportEntry.status,
        )
    ).all()
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for version_id, provision_id, status, count in rows:
        counts.setdefault((version_id, provision_id), dict.fromkeys(PROGRESS, 0))[status] = count
    result = []
    for chapter in code.chapters:
        adoption = adopted.get(chapter.document_id)
        if adoption is None:
            continue
        chapter_rows = [
            (s, counts[(adoption.version_id, s.provision_id)])
            for s in sections.get(adoption.version_id, [])
            if (adoption.version_id, s.provision_id) in counts
        ]
        if chapter_rows:
            result.append(ChapterProgress(chapter.document.title, chapter_rows))
    return result


def _kind(days: int) -> str:
    return "overdue" if days < 0 else "7_days" if days <= 7 else "30_days" if days <= 30 else ""


def send_reminders(today: date | None = None) -> tuple[int, int]:
    """Remind signatories' representatives 30 and 7 days before a chapter report is due and
    once it is overdue; each (signature, chapter, period, kind) once. Returns (reminders,
    e-mails)."""
    today = today or utcnow().date()
    sent = {
        tuple(row)
        for row in db.session.execute(
            select(
                SignatoryReminder.signature_id,
                SignatoryReminder.document_id,
                SignatoryReminder.period,
                SignatoryReminder.kind,
            )
        )
    }
    reminders = mails = 0
    codes = db.session.scalars(select(Code).where(Code.report_months.is_not(None))).all()
    for code in codes:
        for due in outstanding(code):
            kind = _kind((due.due_on - today).days)
            key = (due.signature.id, due.document_id, due.period, kind)
            if not kind or key in sent:
                continue
            db.session.add(
                SignatoryReminder(
                    signature_id=due.signature.id,
                    document_id=due.document_id,
                    period=due.period,
                    kind=kind,
                )
            )
            people: list[User] = list(representatives(due.signature.organisation))
            for person in people:
                _queue_reminder(person, due, kind)
            reminders += 1
            mails += len(people)
    db.session.flush()
    return reminders, mails


def _queue_reminder(person: User, due: Due, kind: str) -> None:
    """In the recipient's language (the lazy subject is rendered in their locale)."""
    subject = (
        _l("Your report on %(chapter)s is overdue", chapter=due.title)
        if kind == "overdue"
        else _l(
            "Your report on %(chapter)s is due on %(date)s",
            chapter=due.title,
            date=due.due_on.isoformat(),
        )
    )
    outbox.queue_template(person, subject, "adoption_signatory_report_reminder", due=due, kind=kind)
