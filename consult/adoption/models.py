"""Codes and their chapters, adoptions, signatures, AI Pact pledges and implementation reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Organisation
from consult.core.lazytext import lazy_gettext as _l
from consult.db import Base, TimestampMixin, bounded_string, bounded_text, utcnow
from consult.drafts.models import Document, Version

# Maximum lengths, shared by the columns and the forms (issue 12, defect 6).
CODE_TITLE_MAX = 250
CODE_SUMMARY_MAX = 2000
ADOPTION_NOTE_MAX = 2000
LINK_MAX = 500
WITHDRAWAL_REASON_MAX = 2000  # withdrawing a signature or an adoption (e-mailed)
SIGNATORY_MAX = 120  # the signatory's name, and their function
AUTHORITY_MAX = 2000
COMMITMENT_TITLE_MAX = 200
ROUND_TITLE_MAX = 200
ENTRY_TEXT_MAX = 2000  # a pledge's item, an implementation or signatory report's entry
ADOPTION_PROPOSED = "proposed"
ADOPTION_ADOPTED = "adopted"
ADOPTION_WITHDRAWN = "withdrawn"
SIGNATURE_PENDING = "pending"
SIGNATURE_VERIFIED = "verified"
SIGNATURE_REJECTED = "rejected"
SIGNATURE_STATUSES = {
    SIGNATURE_PENDING: _l("Awaiting verification"),
    SIGNATURE_VERIFIED: _l("Verified"),
    SIGNATURE_REJECTED: _l("Rejected"),
}
# The status inside a sentence (an e-mail subject): lower case in English only.
SIGNATURE_STATUS_WORDS = {
    SIGNATURE_PENDING: _l("awaiting verification"),
    SIGNATURE_VERIFIED: _l("verified"),
    SIGNATURE_REJECTED: _l("rejected"),
}
PROGRESS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "implemented": _l("Implemented"),
}
REMINDER_KINDS = ("30_days", "7_days", "overdue")


class Code(TimestampMixin, Base):
    """A code of practice: an ordered set of chapter documents, signed as a whole or in part."""

    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = bounded_string(CODE_TITLE_MAX)
    summary: Mapped[str] = bounded_text(CODE_SUMMARY_MAX, default="")
    # Signatories report on each signed chapter every `report_months` months after signing.
    report_months: Mapped[int | None]

    chapters: Mapped[list[CodeChapter]] = relationship(
        order_by="CodeChapter.position", lazy="selectin", back_populates="code"
    )


class CodeChapter(Base):
    """A document that is one chapter of a code (a document belongs to at most one code)."""

    __tablename__ = "code_chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    code: Mapped[Code] = relationship(back_populates="chapters")
    document: Mapped[Document] = relationship(lazy="joined")


class Adoption(Base):
    """A chapter's final version marked adopted by a chair, confirmed by an administrator."""

    __tablename__ = "adoptions"
    # One live adoption per version; withdrawn ones stay as the record of the error, and the
    # version can be put forward again (e.g. with the right date).
    __table_args__ = (
        Index(
            "uq_adoptions_live_version",
            "version_id",
            unique=True,
            sqlite_where=text(f"status != '{ADOPTION_WITHDRAWN}'"),
            postgresql_where=text(f"status != '{ADOPTION_WITHDRAWN}'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=ADOPTION_PROPOSED)
    adopted_on: Mapped[date]
    note: Mapped[str] = bounded_text(ADOPTION_NOTE_MAX, default="")
    link: Mapped[str] = bounded_string(LINK_MAX, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    # Withdrawn when adopted in error: a chair proposes it with a reason, an administrator confirms.
    withdrawal_reason: Mapped[str] = bounded_text(WITHDRAWAL_REASON_MAX, default="")
    withdrawal_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_proposed_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]

    version: Mapped[Version] = relationship(lazy="joined")

    @property
    def is_adopted(self) -> bool:
        return self.status == ADOPTION_ADOPTED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ADOPTION_WITHDRAWN

    @property
    def withdrawal_pending(self) -> bool:
        return self.is_adopted and self.withdrawal_proposed_at is not None


class Signature(Base):
    """An organisation's signed declaration of a code or some of its chapters."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    signatory_name: Mapped[str] = bounded_string(SIGNATORY_MAX)
    signatory_function: Mapped[str] = bounded_string(SIGNATORY_MAX)
    authority: Mapped[str] = bounded_text(AUTHORITY_MAX)
    pdf_path: Mapped[str | None] = mapped_column(String(80))
    pdf_size: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default=SIGNATURE_PENDING)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = bounded_text(WITHDRAWAL_REASON_MAX, default="")

    code: Mapped[Code] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    chapters: Mapped[list[SignatureChapter]] = relationship(lazy="selectin")

    @property
    def is_public(self) -> bool:
        return self.status == SIGNATURE_VERIFIED

    @property
    def status_label(self) -> str:
        if self.withdrawn_at is not None:
            return str(_l("Withdrawn"))
        return str(SIGNATURE_STATUSES.get(self.status, self.status))


class SignatureChapter(Base):
    """One chapter covered by a signature."""

    __tablename__ = "signature_chapters"
    __table_args__ = (UniqueConstraint("signature_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signatures.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)


class PactCommitment(Base):
    """An AI Pact commitment: the core ones every pledge holds, and optional ones admins keep."""

    __tablename__ = "pact_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = bounded_string(COMMITMENT_TITLE_MAX)
    is_core: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]


class Pledge(Base):
    """An AI Pact pillar II organisation's published pledge."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    pledged_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revised_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    all_items: Mapped[list[PledgeItem]] = relationship(lazy="selectin", order_by="PledgeItem.id")

    @property
    def items(self) -> list[PledgeItem]:
        """The commitments currently pledged (ones dropped in an edit are kept, ended)."""
        return [item for item in self.all_items if item.ended_at is None]


class PledgeItem(Base):
    """One commitment of a pledge, in the organisation's own words."""

    __tablename__ = "pledge_items"
    __table_args__ = (UniqueConstraint("pledge_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("pact_commitments.id"), index=True)
    text: Mapped[str] = bounded_text(ENTRY_TEXT_MAX, default="")
    updated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    commitment: Mapped[PactCommitment] = relationship(lazy="joined")


class PledgeRevision(Base):
    """A dated snapshot of a pledge as published or edited: its history, never rewritten."""

    __tablename__ = "pledge_revisions"
    __table_args__ = (UniqueConstraint("pledge_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # [{"commitment_id": 1, "title": "...", "text": "..."}, ...] as pledged at that time.
    items: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)


class ReportRound(Base):
    """A reporting deadline set by the administrators: every pledge owes one report."""

    __tablename__ = "report_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = bounded_string(ROUND_TITLE_MAX)
    due_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImplementationReport(Base):
    """An organisation's report on its pledge for one round; public once submitted."""

    __tablename__ = "implementation_reports"
    __table_args__ = (UniqueConstraint("round_id", "pledge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("report_rounds.id"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    round: Mapped[ReportRound] = relationship(lazy="joined")
    pledge: Mapped[Pledge] = relationship(lazy="joined")
    entries: Mapped[list[ReportEntry]] = relationship(lazy="selectin")


class ReportEntry(Base):
    """Progress on one commitment in a report."""

    __tablename__ = "report_entries"
    __table_args__ = (UniqueConstraint("report_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("implementation_reports.id"), index=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("pact_commitments.id"))
    status: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = bounded_text(ENTRY_TEXT_MAX, default="")

    commitment: Mapped[PactCommitment] = relationship(lazy="joined")


class ReportReminder(Base):
    """A reminder sent (30 or 7 days before, or overdue): at most one of each kind per round."""

    __tablename__ = "report_reminders"
    __table_args__ = (UniqueConstraint("round_id", "pledge_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("report_rounds.id"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignatoryReport(Base):
    """A signatory's report on one signed chapter for one period; public once submitted."""

    __tablename__ = "signatory_reports"
    __table_args__ = (UniqueConstraint("signature_id", "document_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signatures.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    # The adopted version whose commitments the report covers.
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    period: Mapped[int]
    due_on: Mapped[date]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    signature: Mapped[Signature] = relationship(lazy="joined")
    document: Mapped[Document] = relationship(lazy="joined")
    entries: Mapped[list[SignatoryReportEntry]] = relationship(
        lazy="selectin", order_by="SignatoryReportEntry.id"
    )


class SignatoryReportEntry(Base):
    """Progress on one commitment of the chapter in a signatory report."""

    __tablename__ = "signatory_report_entries"
    __table_args__ = (UniqueConstraint("report_id", "provision_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("signatory_reports.id"), index=True)
    provision_id: Mapped[int] = mapped_column(ForeignKey("provisions.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = bounded_text(ENTRY_TEXT_MAX, default="")


class SignatoryReminder(Base):
    """A reminder of a signatory report (30 or 7 days before, or overdue), sent once."""

    __tablename__ = "signatory_reminders"
    __table_args__ = (UniqueConstraint("signature_id", "document_id", "period", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int] = mapped_column(ForeignKey("signatures.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    period: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "Adoption",
    "Code",
    "CodeChapter",
    "ImplementationReport",
    "PactCommitment",
    "Pledge",
    "PledgeItem",
    "PledgeRevision",
    "ReportEntry",
    "ReportReminder",
    "ReportRound",
    "SignatoryReminder",
    "SignatoryReport",
    "SignatoryReportEntry",
    "Signature",
    "SignatureChapter",
]
