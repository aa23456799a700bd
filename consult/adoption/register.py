"""The signatory register of a code: organisations x chapters, counts, downloads (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from consult.accounts.models import Organisation, StakeholderCategory
from consult.adoption.models import SIGNATURE_VERIFIED, Code, Signature, SignatureChapter
from consult.extensions import db

FIELDS = [
    "organisation", "organisation_id", "category", "country", "chapter", "chapter_slug",
    "signed_at", "withdrawn_at", "withdrawal_reason",
]  # fmt: skip


@dataclass
class Cell:
    signed_at: datetime
    signature: Signature
    withdrawn_at: datetime | None = None
    reason: str = ""


@dataclass
class Row:
    organisation: Organisation
    cells: dict[int, Cell] = field(default_factory=dict)


def public_signatures(code: Code) -> list[Signature]:
    """Verified signatures (withdrawn ones included), oldest first: two queries."""
    return list(
        db.session.scalars(
            select(Signature)
            .where(Signature.code_id == code.id, Signature.status == SIGNATURE_VERIFIED)
            .order_by(Signature.verified_at, Signature.id)
        )
    )


def organisations_query(
    code: Code, chapter_id: int | None = None, category: str | None = None
) -> Select[Any]:
    """Organisations that ever had a verified signature of the code, filtered, by name."""
    signed = select(Signature.organisation_id).where(
        Signature.code_id == code.id, Signature.status == SIGNATURE_VERIFIED
    )
    if chapter_id is not None:
        signed = signed.join(SignatureChapter, SignatureChapter.signature_id == Signature.id).where(
            SignatureChapter.document_id == chapter_id
        )
    stmt = select(Organisation).where(Organisation.id.in_(signed))
    if category:
        stmt = stmt.where(
            Organisation.category_id.in_(
                select(StakeholderCategory.id).where(StakeholderCategory.slug == category)
            )
        )
    return stmt.order_by(func.lower(Organisation.name), Organisation.id)


def rows_for(code: Code, organisations: list[Organisation]) -> list[Row]:
    """The register rows of these organisations, in their order (two queries)."""
    rows = {organisation.id: Row(organisation) for organisation in organisations}
    if not rows:
        return []
    signatures = db.session.scalars(
        select(Signature)
        .where(
            Signature.code_id == code.id,
            Signature.status == SIGNATURE_VERIFIED,
            Signature.organisation_id.in_(list(rows)),
        )
        .order_by(Signature.verified_at, Signature.id)
    )
    for signature in signatures:
        row = rows[signature.organisation_id]
        for chapter in signature.chapters:
            current = row.cells.get(chapter.document_id)
            # A later signature of the same chapter (signed again after a withdrawal) wins.
            if current is None or current.withdrawn_at is not None:
                row.cells[chapter.document_id] = Cell(
                    signed_at=signature.submitted_at,
                    signature=signature,
                    withdrawn_at=signature.withdrawn_at,
                    reason=signature.withdrawal_reason,
                )
    return list(rows.values())


def build(code: Code, chapter_id: int | None = None, category: str | None = None) -> list[Row]:
    """Every row of the register, filtered (downloads)."""
    organisations = list(db.session.scalars(organisations_query(code, chapter_id, category)))
    return rows_for(code, organisations)


def counts(code: Code) -> dict[int, int]:
    """Organisations currently signed up to each chapter, withdrawals not counted (one query)."""
    totals = {chapter.document_id: 0 for chapter in code.chapters}
    rows = db.session.execute(
        select(SignatureChapter.document_id, func.count(func.distinct(Signature.organisation_id)))
        .join(Signature, Signature.id == SignatureChapter.signature_id)
        .where(
            Signature.code_id == code.id,
            Signature.status == SIGNATURE_VERIFIED,
            Signature.withdrawn_at.is_(None),
        )
        .group_by(SignatureChapter.document_id)
    ).all()
    for document_id, count in rows:
        if document_id in totals:
            totals[document_id] = count
    return totals


def categories() -> list[StakeholderCategory]:
    return list(
        db.session.scalars(select(StakeholderCategory).order_by(StakeholderCategory.position))
    )


def as_records(code: Code, rows: list[Row]) -> list[dict[str, Any]]:
    """One record per organisation and chapter, for the CSV and JSON downloads."""
    titles = {c.document_id: c.document.title for c in code.chapters}
    slugs = {c.document_id: c.document.slug for c in code.chapters}
    records = []
    for row in rows:
        for chapter in code.chapters:
            cell = row.cells.get(chapter.document_id)
            if cell is None:
                continue
            records.append(
                {
                    "organisation": row.organisation.name,
                    "organisation_id": row.organisation.id,
                    "category": row.organisation.category.name,
                    "country": row.organisation.country,
                    "chapter": titles[chapter.document_id],
                    "chapter_slug": slugs[chapter.document_id],
                    "signed_at": cell.signed_at.isoformat(),
                    "withdrawn_at": cell.withdrawn_at.isoformat() if cell.withdrawn_at else None,
                    "withdrawal_reason": cell.reason or None,
                }
            )
    return records


def signatures_of(organisation: Organisation) -> list[Signature]:
    """An organisation's verified signatures of any code, newest first (organisation page)."""
    return list(
        db.session.scalars(
            select(Signature)
            .where(
                Signature.organisation_id == organisation.id,
                Signature.status == SIGNATURE_VERIFIED,
            )
            .order_by(Signature.submitted_at.desc())
        )
    )
