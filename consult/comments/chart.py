"""Geometry of the server-rendered SVG chart: provisions x categories, bars labelled with counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

# GOV.UK palette colours with at least 3:1 contrast on white; every bar also carries its number,
# and each column is headed by its category name, so colour is never the only signal.
PALETTE = ("#1d70b8", "#4c2c92", "#00703c", "#d4351c", "#505a5f", "#912b88", "#28a197")
LABEL_WIDTH = 230
COLUMN_WIDTH = 118
BAR_MAX = 78
ROW_HEIGHT = 24
HEADER_HEIGHT = 44


@dataclass
class Cell:
    x: int
    width: float
    text_x: float
    count: int
    fill: str


@dataclass
class Row:
    y: int
    label: str
    title: str
    total: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Chart:
    width: int
    height: int
    columns: list[tuple[int, str, str]]  # (x, name, fill)
    rows: list[Row]
    total_x: int


def _short(text: str, length: int = 32) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def provision_chart(
    rows: list[tuple[Any, dict[int | None, int], int]], columns: list[Any]
) -> Chart:
    """Rows are (section, {category_id: n}, total); columns are categories (None: uncategorised)."""
    largest = max([n for _s, cells, _t in rows for n in cells.values()] or [0]) or 1
    header = []
    for index, category in enumerate(columns):
        name = category.name if category is not None else _("No category")
        header.append((LABEL_WIDTH + index * COLUMN_WIDTH, name, PALETTE[index % len(PALETTE)]))
    total_x = LABEL_WIDTH + len(columns) * COLUMN_WIDTH
    chart_rows = []
    for row_index, (section, cells, total) in enumerate(rows):
        y = HEADER_HEIGHT + row_index * ROW_HEIGHT
        row = Row(y=y, label=_short(section.title), title=section.title, total=total)
        for x, _name, fill in header:
            category = columns[(x - LABEL_WIDTH) // COLUMN_WIDTH]
            n = cells.get(category.id if category is not None else None, 0)
            width = round(BAR_MAX * n / largest, 1) if n else 0
            row.cells.append(Cell(x=x, width=width, text_x=x + width + 4, count=n, fill=fill))
        chart_rows.append(row)
    return Chart(
        width=total_x + 70,
        height=HEADER_HEIGHT + len(rows) * ROW_HEIGHT + 8,
        columns=header,
        rows=chart_rows,
        total_x=total_x,
    )
