"""The public disposition-of-comments report of a version: rows, summary by category, CSV, XLSX."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import force_locale, gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import aliased

from consult.accounts.models import StakeholderCategory
from consult.attachments.services import attachments_of
from consult.comments.models import KINDS, STAFF_KEY, STAFF_LABEL, STATE_VISIBLE, Comment
from consult.comments.workspace import OWNER_COMMENT
from consult.core.i18n import SOURCE_LANGUAGE
from consult.core.spreadsheets import safe_cell
from consult.drafts.models import Provision, Section, Version
from consult.extensions import db
from consult.moderation.models import (
    NOT_DECIDED,
    OUTCOMES,
    ChangeComment,
    Disposition,
    outcome_labels,
)
from consult.moderation.services import provision_url
from consult.moderation.similarity import campaign_by_comment
from consult.moderation.traceability import landings_for, section_label

logger = logging.getLogger(__name__)


def file_url(item: Any) -> str:
    return url_for(
        "attachments.download_attachment",
        attachment_id=item.id,
        filename=item.filename,
        _external=True,
    )


CSV_BATCH = 500
CSV_COLUMNS = [
    "comment_id",
    "comment_url",
    "submitted_at",
    "provision_key",
    "provision",
    "category",
    "organisation",
    "kind",
    "quoted_passage",
    "comment",
    "proposed_text",
    "disposition",
    "rationale",
    "duplicate_of",
    "decided_at",
    "led_to",
    "led_to_url",
    "campaign",
    "language",
    "attachments",
]


def _public_filter(version: Version) -> Any:
    """Public, visible, top-level comments of the version: confidential ones never appear."""
    return and_(
        Comment.version_id == version.id,
        Comment.parent_id.is_(None),
        Comment.is_confidential.is_(False),
        Comment.state == STATE_VISIBLE,
    )


def _next_published(version: Version) -> Any:
    """When the version after this one was published (NULL while it is not)."""
    return (
        select(Version.published_at)
        .where(Version.document_id == version.document_id, Version.number == version.number + 1)
        .scalar_subquery()
    )


def report_statement(version: Version) -> Select[Any]:
    """One row per public top-level comment, in provision order (plain columns, no entities)."""
    original = aliased(Comment)
    stmt: Select = (  # several columns: Select[*tuple[Any, ...]]
        select(
            Comment.id.label("comment_id"),
            Comment.created_at,
            Comment.kind,
            Comment.language,
            # The text the disposition decided, not what the comment may say later.
            func.coalesce(Disposition.decided_body, Comment.body).label("body"),
            func.coalesce(Disposition.decided_quote, Comment.quote).label("quote"),
            func.coalesce(Disposition.decided_proposed_text, Comment.proposed_text).label(
                "proposed_text"
            ),
            Comment.organisation_name,
            Comment.organisation_id,
            Comment.approved_by_name,
            case(
                (Comment.author_role.is_not(None), STAFF_LABEL), else_=StakeholderCategory.name
            ).label("category"),
            Section.id.label("section_id"),
            Section.kind.label("section_kind"),
            Section.number,
            Section.heading,
            Provision.key,
            Disposition.outcome,
            Disposition.rationale,
            Disposition.decided_at,
            case((Disposition.decided_at > _next_published(version), True), else_=False).label(
                "decided_late"
            ),
            original.id.label("duplicate_of"),
        )
        .join(Section, Section.id == Comment.section_id)
        .join(Provision, Provision.id == Section.provision_id)
        .outerjoin(StakeholderCategory, StakeholderCategory.id == Comment.category_id)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        # The original of a duplicate is named only if it is itself public.
        .outerjoin(
            original,
            and_(
                original.id == Disposition.duplicate_of_id,
                original.is_confidential.is_(False),
                original.state == STATE_VISIBLE,
            ),
        )
        .where(_public_filter(version))
        .order_by(Section.position, Comment.created_at, Comment.id)
    )
    return stmt


@dataclass
class CategoryRow:
    name: str
    counts: dict[str, int] = field(default_factory=dict)  # outcome (or "undecided") -> n

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    def percent(self, outcome: str) -> str:
        return f"{100 * self.count(outcome) / self.total:.0f}%" if self.total else "–"  # noqa: RUF001

    @property
    def taken_up(self) -> int:
        """Accepted in full or in part: the measure of whose feedback shaped the text."""
        return self.count("accepted") + self.count("partly_accepted")

    @property
    def taken_up_percent(self) -> str:
        decided = self.total - self.count("undecided")
        return f"{100 * self.taken_up / decided:.0f}%" if decided else "–"  # noqa: RUF001


def summary_by_category(version: Version) -> tuple[list[CategoryRow], CategoryRow]:
    """Counts of dispositions per stakeholder category (one GROUP BY query), and the totals."""
    # Working group staff are counted apart, never under a stakeholder category.
    category_key = case((Comment.author_role.is_not(None), STAFF_KEY), else_=Comment.category_id)
    rows = db.session.execute(
        select(category_key, Disposition.outcome, func.count(Comment.id))
        .select_from(Comment)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(_public_filter(version))
        .group_by(category_key, Disposition.outcome)
    ).all()
    categories = db.session.scalars(
        select(StakeholderCategory).order_by(StakeholderCategory.position, StakeholderCategory.id)
    ).all()
    by_id = {c.id: CategoryRow(c.name) for c in categories if not c.is_retired}
    for category in categories:  # a retired category stays listed if its comments are counted
        if category.is_retired and any(r[0] == category.id for r in rows):
            by_id[category.id] = CategoryRow(category.name)
    no_category = CategoryRow("No category")
    staff = CategoryRow(STAFF_LABEL)
    total = CategoryRow("All categories")
    for category_id, outcome, count in rows:
        key = outcome or "undecided"
        if category_id == STAFF_KEY:
            target = staff
        else:
            target = by_id.get(category_id, no_category) if category_id else no_category
        target.counts[key] = target.counts.get(key, 0) + count
        total.counts[key] = total.counts.get(key, 0) + count
    result = list(by_id.values())
    if no_category.total:
        result.append(no_category)
    if staff.total:
        result.append(staff)
    return result, total


def summary_by_language(version: Version) -> list[tuple[str, CategoryRow]]:
    """Counts of dispositions per language of the public comments (one GROUP BY query)."""
    rows = db.session.execute(
        select(Comment.language, Disposition.outcome, func.count(Comment.id))
        .select_from(Comment)
        .outerjoin(Disposition, Disposition.comment_id == Comment.id)
        .where(_public_filter(version))
        .group_by(Comment.language, Disposition.outcome)
    ).all()
    by_language: dict[str, CategoryRow] = {}
    for language, outcome, count in rows:
        target = by_language.setdefault(language, CategoryRow(language))
        key = outcome or "undecided"
        target.counts[key] = target.counts.get(key, 0) + count
    return sorted(by_language.items(), key=lambda item: (-item[1].total, item[0]))


def summary_columns() -> list[tuple[str, str]]:
    """The summary table's columns, labelled in the current language."""
    return [*outcome_labels().items(), ("undecided", gettext(NOT_DECIDED))]


def next_version(version: Version) -> Version | None:
    return db.session.scalars(
        select(Version).where(
            Version.document_id == version.document_id, Version.number == version.number + 1
        )
    ).first()


# --- CSV -----------------------------------------------------------------------------------


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def _row_cells(row: Any, provision_link: str, landings: list[Any]) -> list[Any]:
    cells = [
        row.comment_id,
        f"{provision_link}#comment-{row.comment_id}",
        _iso(row.created_at),
        row.key,
        section_label(row.section_kind, row.number, row.heading),
        row.category or "",
        row.organisation_name,
        KINDS.get(row.kind, row.kind),
        row.quote,
        row.body,
        row.proposed_text,
        OUTCOMES.get(row.outcome, "Not yet decided") if row.outcome else "Not yet decided",
        row.rationale or "",
        row.duplicate_of or "",
        _iso(row.decided_at),
        "; ".join(landing.label for landing in landings),
        " ".join(landing.url for landing in landings if landing.url),
    ]
    return cells


def _rows(version: Version, user: Any) -> Iterator[list[list[Any]]]:
    """The report's rows (plain values), a batch at a time.

    Rows come from a server-side cursor (yield_per), so memory does not grow with the number
    of comments. Landings are fetched once, for the comments a revision links (none at all
    while the version is the latest), and each provision's address is built once.
    """
    # The files keep one language whatever the reader's: the labels are the English ones.
    with force_locale(SOURCE_LANGUAGE):
        yield from _english_rows(version, user)


def _english_rows(version: Version, user: Any) -> Iterator[list[list[Any]]]:
    slug, number = version.document.slug, version.number
    linked = list(
        db.session.scalars(
            select(ChangeComment.comment_id)
            .join(Comment, Comment.id == ChangeComment.comment_id)
            .where(_public_filter(version))
            .distinct()
        )
    )
    landings = landings_for(linked, user, external=True) if linked else {}
    campaigns = campaign_by_comment(version)
    links: dict[str, str] = {}
    result = db.session.execute(report_statement(version).execution_options(yield_per=CSV_BATCH))
    for batch in result.partitions():
        cells = []
        files = attachments_of(OWNER_COMMENT, [row.comment_id for row in batch])
        for row in batch:
            link = links.get(row.key)
            if link is None:
                link = links[row.key] = provision_url(slug, number, row.key, external=True)
            cells.append(
                [
                    *_row_cells(row, link, landings.get(row.comment_id, [])),
                    campaigns.get(row.comment_id, ""),
                    row.language,
                    " ".join(file_url(item) for item in files.get(row.comment_id, [])),
                ]
            )
        yield cells


def csv_lines(version: Version, user: Any) -> Iterator[str]:
    """The report as CSV text chunks: BOM + header, then one row per comment, in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    for batch in _rows(version, user):
        writer.writerows([safe_cell(cell) for cell in row] for row in batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def xlsx_bytes(version: Version, user: Any) -> bytes:
    """The report as an XLSX workbook (openpyxl, write-only): every text cell typed as text,
    so nothing in it is ever evaluated as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Disposition report")
    sheet.append(CSV_COLUMNS)
    for batch in _rows(version, user):
        for row in batch:
            sheet.append([_text_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def csv_filename(version: Version, extension: str = "csv") -> str:
    return f"{version.document.slug}-v{version.number}-disposition-report.{extension}"
