"""Bounded integers for URLs, query strings and forms: ids fit PostgreSQL's integer column."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# The largest value of an SQL INTEGER (PostgreSQL int4); every id and number column is one.
INT_MAX = 2**31 - 1
# Pages beyond this are empty anyway; the bound keeps OFFSET within every database's range.
PAGE_MAX = 1_000_000


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a value outside 0..INT_MAX does not match, so it is a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def bounded_int(value: Any, minimum: int = 1, maximum: int = INT_MAX) -> int | None:
    """`value` as an int within minimum..maximum, else None (non-numeric, huge or negative)."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    # Refuse long digit strings before int() parses them (and before Python's own limit).
    if not text or len(text) > 12:
        return None
    try:
        number = int(text)
    except ValueError:
        return None
    return number if minimum <= number <= maximum else None


def optional_id(value: Any) -> int | None:
    """A SelectField coerce for optional ids: "" or anything out of range becomes None."""
    if value in (None, "", "None"):
        return None
    return bounded_int(value)


def id_or_zero(value: Any) -> int:
    """A SelectField coerce for ids where 0 means "none": anything out of range becomes 0."""
    return bounded_int(value, minimum=0) or 0


def id_value(value: Any) -> int:
    """A coerce for required ids: out of range raises ValueError, which WTForms reports."""
    number = bounded_int(value, minimum=0)
    if number is None:
        raise ValueError("Not a valid choice.")
    return number


def lock_version_of(value: Any) -> int:
    """A posted lock version; a tampered one (-1) never matches, so it reads as a conflict."""
    number = bounded_int(value, minimum=0)
    return -1 if number is None else number
