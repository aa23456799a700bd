"""Site-wide statistics: people, organisations, public comments and dispositions over time.

Every query is grouped in the database (one row per month or per category), over a bounded
window of months, so the page costs the same whatever the size of the consultation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, and_, func, select

from consult.accounts.models import Organisation, StakeholderCategory, User
from consult.comments.models import STATE_VISIBLE, Comment
from consult.drafts.models import STATUS_EDITING, VISIBILITY_PUBLIC, Document, Version
from consult.extensions import db
from consult.moderation.models import Disposition

MONTHS = 12
BAR_WIDTH = 420  # the longest bar, in SVG units
ROW_HEIGHT = 24
LABEL_WIDTH = 150


@dataclass
class Bar:
    y: int
    label: str
    value: int
    width: float


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH + 8


def bar_chart(title: str, rows: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars with their numbers written beside them (colour is not the only signal)."""
    top = max((value for _label, value in rows), default=0) or 1
    bars = [
        Bar(y=i * ROW_HEIGHT, label=label, value=value, width=round(BAR_WIDTH * value / top, 1))
        for i, (label, value) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars, height=max(ROW_HEIGHT, len(bars) * ROW_HEIGHT))


@dataclass
class Statistics:
    months: list[str]
    categories: list[StakeholderCategory]
    people: dict[str, int]
    organisations: dict[str, int]
    comments: dict[tuple[str, int | None], int]  # (month, category id)
    dispositions: dict[tuple[int | None, str], int]  # (category id, outcome)
    charts: list[BarChart] = field(default_factory=list)

    def comments_in(self, month: str) -> int:
        return sum(n for (m, _c), n in self.comments.items() if m == month)

    def comments_of(self, category_id: int | None) -> int:
        return sum(n for (_m, c), n in self.comments.items() if c == category_id)

    def decided_of(self, category_id: int | None) -> int:
        return sum(n for (c, _o), n in self.dispositions.items() if c == category_id)


def _month(column: Any) -> Any:
    if db.engine.dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def month_labels(now: datetime, count: int = MONTHS) -> list[str]:
    year, month = now.year, now.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def public_comment_clause() -> ColumnElement[bool]:
    """Visible, non-confidential comments on published public documents (what anyone sees)."""
    return and_(
        Comment.state == STATE_VISIBLE,
        Comment.is_confidential.is_(False),
        Document.visibility == VISIBILITY_PUBLIC,
        Version.status != STATUS_EDITING,
    )


def _per_month(model: Any, since: datetime) -> dict[str, int]:
    month = _month(model.created_at)
    rows = db.session.execute(
        select(month, func.count()).where(model.created_at >= since).group_by(month)
    )
    return {str(m): int(n) for m, n in rows}


def site_statistics(now: datetime) -> Statistics:
    months = month_labels(now)
    since = datetime(int(months[0][:4]), int(months[0][5:]), 1, tzinfo=now.tzinfo)
    month = _month(Comment.created_at)
    joined = (
        select(month, Comment.category_id, func.count())
        .join(Version, Version.id == Comment.version_id)
        .join(Document, Document.id == Version.document_id)
        .where(public_comment_clause(), Comment.created_at >= since)
        .group_by(month, Comment.category_id)
    )
    comments = {(str(m), c): int(n) for m, c, n in db.session.execute(joined)}
    decided = (
        select(Comment.category_id, Disposition.outcome, func.count())
        .join(Disposition, Disposition.comment_id == Comment.id)
        .join(Version, Version.id == Comment.version_id)
        .join(Document, Document.id == Version.document_id)
        .where(public_comment_clause(), Disposition.outcome.is_not(None))
        .group_by(Comment.category_id, Disposition.outcome)
    )
    dispositions = {(c, str(o)): int(n) for c, o, n in db.session.execute(decided)}
    categories = list(
        db.session.scalars(select(StakeholderCategory).order_by(StakeholderCategory.position))
    )
    stats = Statistics(
        months=months,
        categories=categories,
        people=_per_month(User, since),
        organisations=_per_month(Organisation, since),
        comments=comments,
        dispositions=dispositions,
    )
    stats.charts = [
        bar_chart(
            gettext("Public comments per month"), [(m, stats.comments_in(m)) for m in months]
        ),
        bar_chart(
            gettext("Public comments per category (last 12 months)"),
            [(c.name, stats.comments_of(c.id)) for c in categories],
        ),
        bar_chart(
            gettext("Decided comments per category"),
            [(c.name, stats.decided_of(c.id)) for c in categories],
        ),
    ]
    return stats
