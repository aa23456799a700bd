"""Offset pagination for long lists: one COUNT and one page query, whatever the total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from consult.core.numbers import PAGE_MAX, bounded_int
from consult.extensions import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    """?page=N from the query string: 1 when missing, non-numeric, negative or huge."""
    return bounded_int(request.args.get("page"), maximum=PAGE_MAX) or 1


def paginate(stmt: Select[Any], per_page: int = 50, page: int | None = None) -> Page:
    """Run `stmt` (ordered!) for one page; `scalars` when it selects one entity."""
    page = page or page_number()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    # column_descriptions has one entry per selected entity or column (selected_columns has
    # one per table column, so select(User) would wrongly come back as rows).
    rows = result.scalars().all() if len(stmt.column_descriptions) == 1 else result.all()
    return Page(items=list(rows), page=page, per_page=per_page, total=total or 0)
