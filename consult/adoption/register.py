"""The signatory register of a code: organisations x chapters, counts, downloads (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from consult.accounts.models import Organisation, StakeholderCategory
from consult.adoption.models import SIGNATURE_VERIFIED, Code, Signature
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


def build(code: Code, chapter_id: int | None = None, category: str | None = None) -> list[Row]:
    """One row per organisation that ever had a verified signature, filtered."""
    rows: dict[int, Row] = {}
    for signature in public_signatures(code):
        organisation = signature.organisation
        if category and organisation.category.slug != category:
            continue
        row = rows.setdefault(organisation.id, Row(organisation))
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
    result = sorted(rows.values(), key=lambda r: r.organisation.name.lower())
    if chapter_id is not None:
        result = [r for r in result if chapter_id in r.cells]
    return result


def counts(code: Code, rows: list[Row]) -> dict[int, int]:
    """Organisations currently signed up to each chapter (withdrawals not counted)."""
    totals = {chapter.document_id: 0 for chapter in code.chapters}
    for row in rows:
        for document_id, cell in row.cells.items():
            if cell.withdrawn_at is None and document_id in totals:
                totals[document_id] += 1
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
