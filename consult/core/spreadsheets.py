"""Text that spreadsheets must show as text: every CSV meant to be opened in one goes through
`safe_cell` (the disposition report, the signatory register)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from flask import Response

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A separator some spreadsheet may split on, then (after spaces or quotes) a formula start.
_AFTER_SEPARATOR = re.compile(r"([;,\t|\r\n][\s\"']*)([=+\-@])")


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: a quote before every formula start.

    Not only at the start: a spreadsheet that splits on another separator (";" in most EU
    Excel locales, tab, "|") turns "x;=1+1" into a cell "=1+1", so a formula start after any
    such separator is quoted too.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_PREFIXES):
        value = "'" + value
    return _AFTER_SEPARATOR.sub(r"\1'\2", value)


def download(
    key: str,
    records: list[dict[str, Any]],
    fields: list[str],
    fmt: str,
    filename: str,
    **meta: Any,
) -> Response:
    """Records as an attachment `filename.fmt`: JSON for programs (`meta` and the records under
    `key`), or CSV for spreadsheets, every cell shown as text."""
    if fmt == "json":
        response = Response(json.dumps({**meta, key: records}), mimetype="application/json")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        for record in records:
            writer.writerow({k: safe_cell(v) for k, v in record.items()})
        response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
