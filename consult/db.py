"""Declarative base with a constraint naming convention, shared mixins and utcnow()."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, MetaData, String, Table, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only clock the app reads)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Column.info key of a column's maximum length in characters (issue 12, defect 6).
MAX_LENGTH = "max_length"


def length_check(column: str, limit: int, *, cast: bool = False) -> CheckConstraint:
    """CHECK (length(column) <= limit), named ck_<table>_<column>_max_length by the convention.

    NULL passes (length(NULL) is NULL). `cast` measures a JSON column's serialised text.
    SQLite ignores VARCHAR(n) and Text is unbounded on both databases, so this is the bound.
    """
    measured = f"CAST({column} AS TEXT)" if cast else column
    return CheckConstraint(f"length({measured}) <= {limit}", name=f"{column}_max_length")


def bounded_text(limit: int, *args: Any, **kwargs: Any) -> MappedColumn[Any]:
    """A Text column holding at most `limit` characters (a CHECK; see Base.__init_subclass__)."""
    return mapped_column(Text, *args, info={MAX_LENGTH: limit}, **kwargs)


def bounded_string(limit: int, *args: Any, **kwargs: Any) -> MappedColumn[Any]:
    """A String(limit) column whose limit also holds on SQLite (a CHECK)."""
    return mapped_column(String(limit), *args, info={MAX_LENGTH: limit}, **kwargs)


def bounded(column: MappedColumn[Any], limit: int, *, cast: bool = False) -> MappedColumn[Any]:
    """Give any mapped column (a wider VARCHAR, JSON) a maximum length of `limit` characters."""
    column.column.info[MAX_LENGTH] = limit
    if cast:
        column.column.info["max_length_cast"] = True
    return column


def add_length_checks(table: Table) -> None:
    """One named CHECK per column that declares a maximum length in its info."""
    named = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
    for column in table.columns:
        limit = column.info.get(MAX_LENGTH)
        if limit is None:
            continue
        check = length_check(column.name, limit, cast=bool(column.info.get("max_length_cast")))
        if f"ck_{table.name}_{check.name}" not in named and check.name not in named:
            table.append_constraint(check)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if isinstance(table, Table):
            add_length_checks(table)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
